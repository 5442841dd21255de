package imscope

// Network is one instant-messaging network in the catalog (QQ, Fetion, a
// Matrix homeserver, an XMPP virtual host...), which comes from the
// configuration. Rows name networks by ID.
//
// A row naming an ID that is not in the catalog is neither refused nor
// renamed: it is stored under that raw ID, counts in answers like any other
// network's rows (pages show the ID, in a colour of the charts' palette),
// and is flagged as unknown:
//
//   - the collector run or import that reads it warns once per unknown ID,
//     at the first row naming it ("usage.csv:2: warning: network "icq" is
//     not in the catalog: …"), without making the run partial;
//   - imscope_rows_unknown_network_total{network} at /metrics counts the
//     rows stored naming it (a bridge row for each unknown end; a row whose
//     key was stored already is not counted again), with at most 50 IDs
//     labelled and the rest counted under "_other_";
//   - the Collectors page and /api/v1/collectors list every unknown ID
//     found in the stored data with the rows naming it, when they were
//     first and last stored and which sources sent them, so the list
//     survives restarts.
//
// An ID that one of the catalog's Aliases claims is not unknown: its rows
// are stored under the network's ID (collector/alias.go).
//
// Adding the ID to the catalog names and colours it from then on; nothing
// needs reloading.
type Network struct {
	ID     string            // stable key used in every table, e.g. "qq"
	Names  map[string]string // display names by language tag: "en", "zh-CN"
	Vendor string
	Color  string // #rrggbb used for the network in every chart
	// Aliases are the label values operators' sources use for this network
	// (a Prosody virtual host "xmpp.qq.example", a vendor's "QQ"): exact
	// strings, or globs in path.Match syntax ("*.qq.example"). Rows naming
	// one are stored under ID (collector's aliases.go says the order).
	Aliases []string
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
