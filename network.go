package imscope

// Network is one instant-messaging network in the catalog (QQ, Fetion, a
// Matrix homeserver, an XMPP virtual host...). Scraped rows name networks by
// ID; a row whose ID is not in the catalog still lands and is flagged as
// unknown rather than dropped.
type Network struct {
	ID     string            // stable key used in every table, e.g. "qq"
	Names  map[string]string // display names by language tag: "en", "zh-CN"
	Vendor string
	Color  string // #rrggbb used for the network in every chart
}

// Name returns the display name in lang, falling back to English, then the ID.
func (n Network) Name(lang string) string {
	if s := n.Names[lang]; s != "" {
		return s
	}
	if s := n.Names["en"]; s != "" {
		return s
	}
	return n.ID
}
