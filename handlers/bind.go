package handlers

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"

	"github.com/gin-gonic/gin"

	"zerovisit/workflow"
)

// bindJSON decodes the request body into dst strictly: the body must be one
// JSON value of the right shape with no unknown fields, within the size limit.
func bindJSON(c *gin.Context, dst any) error {
	if ct := c.ContentType(); ct != "application/json" {
		return &APIError{http.StatusUnsupportedMediaType, "unsupported_media_type", "请求内容类型须为 application/json", nil}
	}
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return errTooLarge(tooBig.Limit)
		}
		return &APIError{http.StatusBadRequest, "unreadable_body", "请求内容无法读取", nil}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return jsonError(err)
	}
	if dec.More() {
		return &APIError{http.StatusBadRequest, "malformed_json", "请求内容不是合法的 JSON", "trailing data after the JSON value"}
	}
	return nil
}

func errTooLarge(limit int64) *APIError {
	return &APIError{http.StatusRequestEntityTooLarge, "payload_too_large", "请求内容过大", map[string]int64{"limit_bytes": limit}}
}

// jsonError says which field was wrong without echoing the value, which may
// be personal data.
func jsonError(err error) *APIError {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		return &APIError{http.StatusBadRequest, "invalid_field_type", "字段类型不正确",
			map[string]string{"field": typeErr.Field, "expected": typeErr.Type.String()}}
	case errors.As(err, &syntaxErr), errors.Is(err, io.ErrUnexpectedEOF):
		return &APIError{http.StatusBadRequest, "malformed_json", "请求内容不是合法的 JSON", nil}
	case errors.Is(err, io.EOF):
		return &APIError{http.StatusBadRequest, "empty_body", "请求内容为空", nil}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &APIError{http.StatusBadRequest, "unknown_field", "包含无法识别的字段", map[string]string{"field": field}}
	default:
		return &APIError{http.StatusBadRequest, "malformed_json", "请求内容不是合法的 JSON", fmt.Sprintf("%T", err)}
	}
}

const headerIdempotencyKey = "Idempotency-Key"

var validIdempotencyKey = regexp.MustCompile(`^[A-Za-z0-9._:-]{8,128}$`)

// idempotencyKey reads the request's Idempotency-Key (nil when absent): the
// key is kept per scope, with a hash of the method, route and decoded body,
// so reusing a key for another request is refused.
func idempotencyKey(c *gin.Context, scope string, body any) (*workflow.IdempotencyRequest, error) {
	key := c.GetHeader(headerIdempotencyKey)
	if key == "" {
		return nil, nil
	}
	if !validIdempotencyKey.MatchString(key) {
		return nil, &APIError{http.StatusBadRequest, "invalid_idempotency_key", "幂等键格式不正确（8-128 位字母、数字或 ._:-）", nil}
	}
	b, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(append([]byte(c.Request.Method+" "+c.Request.URL.Path+"\n"), b...))
	return &workflow.IdempotencyRequest{Scope: scope, Key: key, RequestHash: hex.EncodeToString(sum[:])}, nil
}
