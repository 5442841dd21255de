package main

// Embedding the IANA time zone database (about 400 KB) makes zone names
// work wherever the binary runs: report and collector schedules name their
// zone with CRON_TZ=Asia/Shanghai and the like, and time.LoadLocation fails
// on a machine or container image without /usr/share/zoneinfo (a slim,
// distroless or scratch image), which would make such a configuration fail
// to load. clickhouse-go imports time/tzdata too, so this import adds
// nothing today; it is here so that imscope keeps the zones whatever its
// dependencies import. The system's zone data is still preferred when it is
// there (the container image installs tzdata); this is the fallback.
import _ "time/tzdata"
