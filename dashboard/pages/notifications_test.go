package pages_test

import (
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/imscope/imscope/dashboard/internal/dashtest"
)

var notificationRowRE = regexp.MustCompile(`<tr data-notification="([^"]+)">`)

// TestNotificationsOnAlertsPage: the Alerts page lists the notifications
// sent — destination by name, group, state, status, attempts, id, error —
// escaped (an error may quote a receiver's markup) and without a webhook's
// token, in English and Chinese, a page at a time.
func TestNotificationsOnAlertsPage(t *testing.T) {
	h := dashtest.Server(t, nil)
	w := dashtest.Get(t, h, "/alerts?lang=en")
	if w.Code != http.StatusOK {
		t.Fatalf("%d", w.Code)
	}
	page := w.Body.String()
	demo := dashtest.DemoNotifications
	rows := notificationRowRE.FindAllStringSubmatch(page, -1)
	if len(rows) != 3 || rows[0][1] != demo[2].NotificationID || rows[2][1] != demo[1].NotificationID {
		t.Fatalf("rows %v", rows)
	}
	for _, want := range []string{`id="alert-notifications"`, "Notifications sent", "<code>pager</code>", "<code>rule=fetion-msn-down</code>",
		dashtest.EscapedText(`<img src=x onerror=alert(1)>`), "https://hooks.example.org/…", "1–3 of 3",
		`/api/v1/alerts/notifications?format=csv&amp;from=`} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if strings.Contains(page, "<img src=x") || strings.Contains(page, "SECRET") || strings.Contains(page, "/services/") {
		t.Fatal("the page shows the error's markup or the webhook's token")
	}
	zh := dashtest.Get(t, h, "/alerts?lang=zh-CN").Body.String()
	for _, want := range []string{"已发送的通知", "第 1–3 条，共 3 条", "已发送"} {
		if !strings.Contains(zh, want) {
			t.Errorf("the Chinese page lacks %q", want)
		}
	}

	// A page at a time: limit 1 shows the newest, links to the older.
	first := dashtest.Get(t, h, "/alerts?lang=en&limit=1").Body.String()
	older := regexp.MustCompile(`<a href="([^"]+)" data-page="older">`).FindStringSubmatch(first)
	if rows := notificationRowRE.FindAllStringSubmatch(first, -1); len(rows) != 1 || older == nil || strings.Contains(first, `data-page="newer"`) {
		t.Fatalf("first page: rows %v, older %v", rows, older)
	}
	target, _, _ := strings.Cut(html.UnescapeString(older[1]), "#") // a browser does not send the fragment
	second := dashtest.Get(t, h, target).Body.String()
	if rows := notificationRowRE.FindAllStringSubmatch(second, -1); len(rows) != 1 || rows[0][1] != demo[0].NotificationID && rows[0][1] != demo[1].NotificationID ||
		!strings.Contains(second, "2–2 of 3") || !strings.Contains(second, `data-page="newer"`) {
		t.Fatalf("second page (%s): rows %v", older[1], rows)
	}
	// A wrong offset is named, and the rest of the page stands.
	if w := dashtest.Get(t, h, "/alerts?lang=en&offset=-3"); w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "offset") || !strings.Contains(w.Body.String(), `id="silences"`) {
		t.Fatalf("offset=-3: %d", w.Code)
	}
}
