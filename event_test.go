package imscope

import (
	"testing"
	"time"
)

// TestEventConcerns: which views an event is drawn on.
func TestEventConcerns(t *testing.T) {
	market := Event{Title: "whole market"}
	qq := Event{Networks: []string{"qq"}}
	gateway := Event{Bridges: []string{"fetion-msn"}}
	cases := []struct {
		name              string
		e                 Event
		networks, bridges []string
		want              bool
	}{
		{"market event on a network view", market, []string{"msn"}, nil, true},
		{"any event on an unlimited view", gateway, nil, nil, true},
		{"named network shown", qq, []string{"msn", "qq"}, nil, true},
		{"named network not shown", qq, []string{"msn"}, nil, false},
		{"bridge event on a network view", gateway, []string{"fetion", "msn"}, nil, false},
		{"bridge event on its bridge's view", gateway, nil, []string{"fetion-msn"}, true},
		{"network event on a bridge view", qq, nil, []string{"fetion-msn"}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.e.Concerns(tc.networks, tc.bridges); got != tc.want {
				t.Errorf("Concerns = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestEventCheck: the fields an event is refused for, by name, and the
// ID one without gets from its date and title.
func TestEventCheck(t *testing.T) {
	day := time.Date(2010, 11, 3, 0, 0, 0, 0, time.UTC)
	ok := Event{At: day, Title: " 3Q war "}
	if err := ok.Check(); err != nil || ok.Title != "3Q war" || ok.ID != EventID(day, "3Q war") {
		t.Fatalf("%v %+v", err, ok)
	}
	long := make([]byte, MaxEventTitle+1)
	for i := range long {
		long[i] = 'x'
	}
	for _, tc := range []struct {
		e     Event
		param string
	}{
		{Event{At: day}, "title"},
		{Event{At: day, Title: string(long)}, "title"},
		{Event{At: day, Title: "x", Link: "javascript:alert(1)"}, "link"},
		{Event{At: day, Title: "x", Link: "//example.org"}, "link"},
		{Event{At: day, Title: "x", Networks: []string{"q q"}}, "networks"},
		{Event{At: day, Title: "x", Bridges: []string{"a/b"}}, "bridges"},
		{Event{Title: "x"}, "date"},
		{Event{At: day, Title: "x", ID: "a b"}, "id"},
	} {
		err := tc.e.Check()
		if ie, isInvalid := err.(*InvalidError); !isInvalid || ie.Param != tc.param {
			t.Errorf("%+v: %v, want an error naming %s", tc.e, err, tc.param)
		}
	}
}
