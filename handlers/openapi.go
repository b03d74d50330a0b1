package handlers

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/gin-gonic/gin"
)

//go:embed openapi.yaml
var openapiYAML []byte

// loadOpenAPI parses and validates the embedded API document once, at start,
// and returns it as JSON.
func loadOpenAPI() ([]byte, error) {
	doc, err := openapi3.NewLoader().LoadFromData(openapiYAML)
	if err != nil {
		return nil, fmt.Errorf("load openapi document: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("validate openapi document: %w", err)
	}
	out, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("encode openapi document: %w", err)
	}
	return out, nil
}

func (h *Handler) openAPI(c *gin.Context) {
	c.Data(http.StatusOK, "application/json", h.openapi)
}
