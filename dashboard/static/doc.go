// Package static is the pages' assets — imscope's own stylesheet, scripts
// (the pages', and the Data page's uploader) and icon, and ECharts, which
// `make deps` copies from the pinned npm package into vendor/ — embedded
// in the binary and served under immutable, content-hashed URLs. Nothing
// is loaded from another host, and reports inline the same files so that
// they work offline.
package static
