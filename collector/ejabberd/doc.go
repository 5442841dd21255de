// Package ejabberd collects usage from an ejabberd server through its HTTP
// API (mod_http_api, with mod_admin_extra's commands): per virtual host,
// the sessions online and the registered accounts.
//
// Each run asks, per host, stats_host name=onlineusers, which counts
// sessions — a user on a PC and a phone counts twice, so it is stored as
// connections — and stats_host name=registeredusers, stored as
// registered_users. The hosts are every virtual host registered_vhosts
// lists, read again at each run so that a host added to the server is
// collected without a config change, or the configured ones.
//
// ejabberd answers stats_host about a host it does not serve with
// {"stat":0}, so a mistyped host would be recorded as a network without
// users. A configured host that registered_vhosts does not list is
// therefore never asked: it fails the run, named, and the other hosts are
// still collected.
//
// ejabberd 23.01 has no command that counts active users: mod_admin_extra's
// num_active_users was removed in 18.09 (it read mod_last's Mnesia table
// directly, ejabberd issue #2448); status_num_host counts sessions by
// presence status (sessions again, not people); and get_last answers one
// account at a time — a request per registered user each run, only with
// mod_last, whose record is the last logout, so a user online all week
// would not count as active. So no active_users_* rows are made.
//
// It is a collector kind of its own, built on the json collector
// (package jsonapi): every request is a jsonapi request — one per host
// (each), POST with a JSON body, bearer or Basic credentials — and this
// package adds what is ejabberd's: the two statistics per host, the check
// of configured hosts against registered_vhosts, and host names mapped to
// network ids (Config.Networks), summing the hosts of one network into
// one row per run so that a gauge is never two rows apart by a few
// milliseconds.
package ejabberd
