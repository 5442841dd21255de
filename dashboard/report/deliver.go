package report

import (
	"bytes"
	"fmt"
	"html/template"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/imscope/imscope/dashboard/notify"
	"github.com/imscope/imscope/queries"
)

// Data is the "data" object of a report's webhook payload.
type Data struct {
	Report   string     `json:"report"`
	Title    string     `json:"title"`
	RunID    string     `json:"run_id"`
	Trigger  string     `json:"trigger"`
	Late     bool       `json:"late"`
	Slot     time.Time  `json:"slot"`
	Period   periodJSON `json:"period"`
	Previous periodJSON `json:"previous"`
	Summary  string     `json:"summary"`
	Facts    any        `json:"facts,omitempty"` // the renderer's Output.Data
	Notes    []string   `json:"notes"`
	Files    []string   `json:"files"`
}

type periodJSON struct {
	Label       string    `json:"label"`
	Granularity string    `json:"granularity"`
	From        time.Time `json:"from"`
	To          time.Time `json:"to"`
	TimeZone    string    `json:"time_zone"`
}

func toPeriodJSON(p Period) periodJSON {
	return periodJSON{Label: p.Label, Granularity: string(p.Granularity), From: p.From, To: p.To, TimeZone: p.From.Location().String()}
}

// phrases are the few words a run adds around the renderer's summary.
var phrases = map[string]map[string]string{
	"en": {
		"period": "%s (%s to %s, %s), compared with %s", "late": "This run is late: it was due at %s.",
		"html": "Report (HTML)", "pdf": "Report (PDF)", "zip": "Data (CSV files, ZIP)", "attached": "Attached: %s.",
	},
	"zh-CN": {
		"period": "%s（%s 至 %s，%s），对比 %s", "late": "本次报告延迟生成，原定于 %s。",
		"html": "报告（HTML）", "pdf": "报告（PDF）", "zip": "数据（CSV 文件，ZIP）", "attached": "附件：%s。",
	},
}

func phrase(lang, key string) string {
	if p, ok := phrases[lang][key]; ok {
		return p
	}
	return phrases["en"][key]
}

// message is what a run delivers: the artefacts as attachments, the
// summary as text and in a short HTML body (mail clients run no scripts,
// so the report itself travels attached), and Data for webhooks.
func (s *Service) message(def *Definition, run *queries.ReportRun, p Periods, out *Output) *notify.Message {
	title := def.Title
	if title == "" {
		title = def.Name
	}
	lang := def.Language
	base := def.Name + "_" + p.Current.Label
	atts := []notify.Attachment{{Name: base + ".html", ContentType: "text/html; charset=utf-8", Data: out.HTML}}
	if out.PDF != nil {
		atts = append(atts, notify.Attachment{Name: base + ".pdf", ContentType: "application/pdf", Data: out.PDF})
	}
	if out.ZIP != nil {
		atts = append(atts, notify.Attachment{Name: base + "_csv.zip", ContentType: "application/zip", Data: out.ZIP})
	}
	lastDay := p.Current.To.Add(-time.Nanosecond)
	period := fmt.Sprintf(phrase(lang, "period"), p.Current.Label, p.Current.From.Format(time.DateOnly), lastDay.Format(time.DateOnly), def.Location, p.Previous.Label)
	lines := []string{period}
	if s := strings.TrimSpace(out.Summary); s != "" {
		lines = append(lines, s)
	}
	if run.Late {
		lines = append(lines, fmt.Sprintf(phrase(lang, "late"), run.ScheduledFor.In(def.Location).Format("2006-01-02 15:04 MST")))
	}
	lines = append(lines, run.Notes...)
	data := Data{
		Report: def.Name, Title: title, RunID: run.RunID, Trigger: run.Trigger, Late: run.Late, Slot: run.ScheduledFor.UTC(),
		Period: toPeriodJSON(p.Current), Previous: toPeriodJSON(p.Previous), Summary: out.Summary, Facts: out.Data,
		Notes: append([]string{}, run.Notes...), Files: fileNames(atts),
	}
	return &notify.Message{
		ID: run.RunID, Event: "report", Subject: title + " — " + p.Current.Label,
		Text: strings.Join(lines, "\n\n"), Attachments: atts, Data: data, Time: s.opts.Now(),
		Folder: def.Name + "/" + run.ScheduledFor.UTC().Format("20060102T150405Z") + "-" + run.RunID[:8],
	}
}

// addLinks points the message at the written files on the dashboard, and
// writes the HTML body once the links are known.
func (s *Service) addLinks(m *notify.Message, run *queries.ReportRun) {
	lang := s.byName[run.Report].Language
	if s.opts.PublicURL != "" {
		base := strings.TrimRight(s.opts.PublicURL, "/") + "/reports/runs/" + url.PathEscape(run.RunID) + "/"
		for _, f := range run.Files {
			name := filepath.Base(f)
			key := strings.TrimPrefix(filepath.Ext(name), ".")
			m.Links = append(m.Links, notify.Link{Title: phrase(lang, key), URL: base + url.PathEscape(name)})
		}
	}
	var b bytes.Buffer
	_ = mailBody.Execute(&b, map[string]any{
		"Lang": lang, "Subject": m.Subject, "Paragraphs": strings.Split(m.Text, "\n\n"), "Links": m.Links,
		"Attached": fmt.Sprintf(phrase(lang, "attached"), strings.Join(fileNames(m.Attachments), ", ")),
	})
	m.HTML = b.String()
}

func fileNames(atts []notify.Attachment) []string {
	names := make([]string, len(atts))
	for i, a := range atts {
		names[i] = a.Name
	}
	return names
}

// mailBody is the e-mail's HTML part; html/template escapes everything
// that comes from data (network names, labels) so it renders as text.
var mailBody = template.Must(template.New("mail").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><title>{{.Subject}}</title></head>
<body style="font-family: sans-serif; max-width: 40em">
<h1 style="font-size: 1.3em">{{.Subject}}</h1>
{{range .Paragraphs}}<p style="white-space: pre-line">{{.}}</p>
{{end}}{{if .Links}}<ul>{{range .Links}}<li><a href="{{.URL}}">{{.Title}}</a></li>{{end}}</ul>
{{end}}<p style="color: #555">{{.Attached}}</p>
</body></html>
`))
