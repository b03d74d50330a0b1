// Package notice renders a case's written notice (受理通知书, 决定书 …) as a
// print-ready HTML page, A4, with the evaluation QR code of the case.
package notice

import (
	"bytes"
	"embed"
	"encoding/base64"
	"html/template"
	"io"
	"net/http"
	"strings"

	qrcode "github.com/skip2/go-qrcode"

	"zerovisit/workflow"
	"zerovisit/workflow/staff"
)

//go:embed notice.html
var files embed.FS

var page = template.Must(template.New("notice.html").Funcs(template.FuncMap{
	"day": func(n staff.Notice) string {
		d := n.IssuedAt.In(workflow.CST())
		return d.Format("2006年1月2日")
	},
}).ParseFS(files, "notice.html"))

// view is what the template shows.
type view struct {
	staff.Notice
	EvaluateURL string
	QR          template.URL
}

// Render writes the notice; evaluateURL (may be empty) is the one-time
// evaluation link printed with its QR code.
func Render(w io.Writer, n staff.Notice, evaluateURL string) error {
	v := view{Notice: n, EvaluateURL: evaluateURL}
	if evaluateURL != "" {
		png, err := qrcode.Encode(evaluateURL, qrcode.Medium, 256)
		if err != nil {
			return err
		}
		v.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))
	}
	var buf bytes.Buffer
	if err := page.Execute(&buf, v); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// BaseURL is the origin the request came to, for links printed on paper.
func BaseURL(r *http.Request) string {
	scheme := "https"
	if r.TLS == nil && (strings.HasPrefix(r.Host, "127.0.0.1") || strings.HasPrefix(r.Host, "localhost") || strings.HasPrefix(r.Host, "[::1]")) {
		scheme = "http"
	}
	if p := r.Header.Get("X-Forwarded-Proto"); p == "http" || p == "https" {
		scheme = p
	}
	return scheme + "://" + r.Host
}
