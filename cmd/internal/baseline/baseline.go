// Package baseline is `zerovisit baseline`, the bare insert the product is measured against.
package baseline

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"zerovisit/cmd/internal/cli"

	"github.com/gin-gonic/gin"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"zerovisit/configs"
)

// baselineRow is the one row the baseline endpoint inserts.
type baselineRow struct {
	ID        int64  `gorm:"primaryKey"`
	Ref       string `gorm:"size:64"`
	Payload   string
	CreatedAt time.Time
}

func (baselineRow) TableName() string { return "baseline_rows" }

// baselineMaxBody bounds a request body, as the product's own limit does.
const baselineMaxBody = 16 << 10

// runBaseline serves the yardstick the performance figures are quoted
// against: a bare gin+gorm endpoint that inserts one row into the same
// PostgreSQL database, with the product's connection pool size and none
// of its work (no authentication, events, outbox or idempotency rows).
// `zerovisit load --mode baseline` drives it.
func runBaseline(ctx context.Context, env cli.Env) error {
	args, getenv, stdout := env.Args, env.Getenv, env.Stdout
	fs := cli.NewFlags("baseline", env)
	addr := fs.String("addr", "127.0.0.1:8090", "address to serve on")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := configs.Load(getenv)
	if err != nil {
		return err
	}
	if !strings.HasPrefix(cfg.DatabaseURL, "postgres") {
		return errors.New("baseline: ZEROVISIT_DATABASE_URL must be a postgres:// URL: the baseline is measured on the production store")
	}
	db, err := gorm.Open(postgres.Open(cfg.DatabaseURL), &gorm.Config{Logger: logger.Discard, SkipDefaultTransaction: true})
	if err != nil {
		return fmt.Errorf("baseline: %w", err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	defer sqlDB.Close()
	sqlDB.SetMaxOpenConns(cfg.DB.MaxOpenConns)
	sqlDB.SetMaxIdleConns(cfg.DB.MaxOpenConns)
	if err := db.AutoMigrate(&baselineRow{}); err != nil {
		return fmt.Errorf("baseline: create table: %w", err)
	}

	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(gin.Recovery(), func(c *gin.Context) {
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, baselineMaxBody)
	})
	r.POST("/baseline/rows", func(c *gin.Context) {
		var in struct {
			Ref     string `json:"ref" binding:"required,max=64"`
			Payload string `json:"payload" binding:"max=4096"`
		}
		if err := c.ShouldBindJSON(&in); err != nil {
			c.JSON(http.StatusBadRequest, gin.H{"error": gin.H{"code": "invalid_json", "message": err.Error()}})
			return
		}
		row := baselineRow{Ref: in.Ref, Payload: in.Payload}
		if err := db.WithContext(c.Request.Context()).Create(&row).Error; err != nil {
			c.JSON(http.StatusInternalServerError, gin.H{"error": gin.H{"code": "internal", "message": err.Error()}})
			return
		}
		c.JSON(http.StatusCreated, gin.H{"id": row.ID})
	})
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("baseline: %w", err)
	}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	srv := &http.Server{Handler: r, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	fmt.Fprintf(stdout, "baseline serving POST http://%s/baseline/rows\n", ln.Addr())
	<-ctx.Done()
	shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(shut)
}
