package alerting

import (
	"bytes"
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/imscope/imscope/dashboard/notify"
)

// Data is the "data" object of an alert webhook payload.
type Data struct {
	Status   string            `json:"status"` // firing if any alert fires, else resolved
	GroupKey string            `json:"group_key"`
	Group    map[string]string `json:"group"` // the group_by labels and their values
	Alerts   []Alert           `json:"alerts"`
}

// message is one group's notification.
// id is the notification's id (notificationID).
func (n *Notifier) message(id, key string, members []Alert, now time.Time) *notify.Message {
	var firing, resolved []string
	for _, a := range members {
		if a.State == "firing" {
			firing = append(firing, a.Rule)
		} else {
			resolved = append(resolved, a.Rule)
		}
	}
	status, subject := "resolved", fmt.Sprintf("[RESOLVED] %s", names(resolved))
	if len(firing) > 0 {
		status, subject = "firing", fmt.Sprintf("[FIRING:%d] %s", len(firing), names(firing))
		if len(resolved) > 0 {
			subject += fmt.Sprintf(" (%d resolved)", len(resolved))
		}
	}
	group := map[string]string{}
	for _, k := range n.opts.GroupBy {
		group[k] = members[0].Labels[k]
	}
	var lines []string
	for _, a := range members {
		lines = append(lines, describe(a))
	}
	// One ID per notification, kept by Deliver's retries, by later ticks'
	// and by a restart's, so receivers can drop duplicates.
	m := &notify.Message{
		ID: id, Event: "alert", Subject: subject, Text: strings.Join(lines, "\n"), Time: now,
		Data: Data{Status: status, GroupKey: key, Group: group, Alerts: members},
	}
	if n.opts.PublicURL != "" {
		m.Links = []notify.Link{{Title: "Alerts", URL: strings.TrimRight(n.opts.PublicURL, "/") + "/alerts"}}
	}
	var b bytes.Buffer
	_ = alertMail.Execute(&b, map[string]any{"Subject": subject, "Alerts": members, "Links": m.Links})
	m.HTML = b.String()
	return m
}

// names lists up to three rule names, then how many more.
func names(rules []string) string {
	if len(rules) <= 3 {
		return strings.Join(rules, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(rules[:3], ", "), len(rules)-3)
}

// describe is an alert's line in the text body.
func describe(a Alert) string {
	when := "since " + a.Since.UTC().Format("2006-01-02 15:04 UTC")
	if a.ResolvedAt != nil {
		when = "at " + a.ResolvedAt.UTC().Format("2006-01-02 15:04 UTC")
	}
	return fmt.Sprintf("%s %s %s: %s", strings.ToUpper(a.State), a.Rule, when, a.Message)
}

// alertMail is the e-mail's HTML part; html/template escapes the rule
// messages and labels, which may quote hostile text.
var alertMail = template.Must(template.New("alert").Funcs(template.FuncMap{
	"utc": func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
}).Parse(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{{.Subject}}</title></head>
<body style="font-family: sans-serif">
<h1 style="font-size: 1.2em">{{.Subject}}</h1>
<table cellpadding="4" style="border-collapse: collapse">
<tr><th align="left">state</th><th align="left">rule</th><th align="left">since</th><th align="left">message</th><th align="left">labels</th></tr>
{{range .Alerts}}<tr><td>{{.State}}</td><td>{{.Rule}}</td><td>{{utc .Since}}{{with .ResolvedAt}} – {{utc .}}{{end}}</td><td>{{.Message}}</td><td>{{range $k, $v := .Labels}}{{$k}}={{$v}} {{end}}</td></tr>
{{end}}</table>
{{range .Links}}<p><a href="{{.URL}}">{{.Title}}</a></p>{{end}}
</body></html>
`))
