package pages

// BinaryBytes is binaryBytes, for the Data page's tests.
var BinaryBytes = binaryBytes

// DataKeys are the catalog keys the Data page builds at run time: the
// script's texts, the kinds' names and hints, the jobs' states.
func DataKeys() []string {
	keys := append([]string(nil), dataScriptTexts...)
	for _, k := range importKinds {
		keys = append(keys, "data.kind."+k, "data.kind."+k+"_hint")
	}
	for _, s := range []string{"queued", "running", "done", "failed"} {
		keys = append(keys, "data.state."+s)
	}
	return keys
}
