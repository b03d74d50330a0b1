package handlers

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
)

func TestBindJSON(t *testing.T) {
	gin.SetMode(gin.TestMode)
	type payload struct {
		Name  string `json:"name"`
		Count int    `json:"count"`
	}
	for name, tc := range map[string]struct {
		body, contentType string
		status            int
		code              string
	}{
		"OK":            {`{"name":"a","count":1}`, "application/json", http.StatusOK, ""},
		"Malformed":     {`{"name":`, "application/json", http.StatusBadRequest, "malformed_json"},
		"NotJSON":       {`name=a`, "application/json", http.StatusBadRequest, "malformed_json"},
		"WrongType":     {`{"count":"many"}`, "application/json", http.StatusBadRequest, "invalid_field_type"},
		"UnknownField":  {`{"nme":"a"}`, "application/json", http.StatusBadRequest, "unknown_field"},
		"Empty":         {``, "application/json", http.StatusBadRequest, "empty_body"},
		"Trailing":      {`{"name":"a"} {"name":"b"}`, "application/json", http.StatusBadRequest, "malformed_json"},
		"WrongMedia":    {`{"name":"a"}`, "text/plain", http.StatusUnsupportedMediaType, "unsupported_media_type"},
		"TooLargeChunk": {`{"name":"` + strings.Repeat("x", 2048) + `"}`, "application/json", http.StatusRequestEntityTooLarge, "payload_too_large"},
	} {
		t.Run(name, func(t *testing.T) {
			h := &Handler{}
			r := gin.New()
			r.Use(withRequestID(), withBodyLimit(1024))
			r.POST("/echo", func(c *gin.Context) {
				var p payload
				if err := bindJSON(c, &p); err != nil {
					h.fail(c, err)
					return
				}
				c.JSON(http.StatusOK, p)
			})
			req := httptest.NewRequest(http.MethodPost, "/echo", strings.NewReader(tc.body))
			req.Header.Set("Content-Type", tc.contentType)
			req.ContentLength = -1 // as a chunked upload: the limit must hold while reading
			w := httptest.NewRecorder()
			r.ServeHTTP(w, req)
			if got, want := w.Code, tc.status; got != want {
				t.Fatalf("status = %d, want %d (%s)", got, want, w.Body)
			}
			if tc.code != "" && !strings.Contains(w.Body.String(), `"code":"`+tc.code+`"`) {
				t.Errorf("body %s lacks code %q", w.Body, tc.code)
			}
		})
	}
}
