// Package checkpoints is a push collector for mautrix bridges: an HTTP
// receiver for the message checkpoints and bridge states that mautrix
// bridges already send (to Beeper's hungryserv and similar), turned into
// bridge_traffic rows (messages, failures and a latency histogram per route
// and interval) and bridge_states rows (uptime).
//
// Why push: a bridge knows, per message, when it took a Matrix event and when
// the remote network accepted or refused it. Scraping counters can give
// rates, but not the per-message latency from "the bridge has it" to "the
// remote network has it", nor failures by cause. Pointing a bridge's
// checkpoint and status endpoints at imscope gives both without changing the
// bridge. imscope serve mounts a receiver configured as collector NAME at
// /api/v1/push/NAME/; for a mautrix bridgev2 bridge, in its config.yaml:
//
//	homeserver:
//	  status_endpoint: https://imscope.example.org/api/v1/push/mautrix/bridge_state
//	  message_send_checkpoint_endpoint: https://imscope.example.org/api/v1/push/mautrix/checkpoints
//
// The receiver tells the two endpoints apart by the last path segment only.
//
// # Authentication
//
// Each configured bridge has a token, read at start from the environment
// variable its token_env names. mautrix sends its appservice as_token (from
// registration.yaml) to both endpoints as "Authorization: Bearer <token>",
// so that is the token to configure; it is a powerful secret, and imscope
// keeps only its SHA-256 digest and never logs or echoes it. The token says
// which bridge is pushing, and so which route (from_network → to_network)
// its traffic is. A missing or unknown token gets 401. imscope serve passes
// the push paths to the receiver untouched by its own sign-in (the admin's
// credentials mean nothing here, and the bridge's token is not the admin's),
// but counts the 401s per client address: after five within five minutes
// the address is answered 429 with Retry-After for a while.
//
// # Message checkpoints: POST …/NAME/checkpoints
//
// The body is mautrix-go's status.CheckpointsJSON (bridgev2/status,
// formerly appservice.MessageSendCheckpoint):
//
//	{"checkpoints": [
//	  {"event_id": "$Qm9vaw:example.org", "room_id": "!abc:example.org",
//	   "step": "BRIDGE", "timestamp": 1700000000000, "status": "SUCCESS",
//	   "event_type": "m.room.message", "reported_by": "BRIDGE", "retry_num": 0,
//	   "message_type": "m.text"},
//	  {"event_id": "$Qm9vaw:example.org", "room_id": "!abc:example.org",
//	   "step": "REMOTE", "timestamp": 1700000000180, "status": "SUCCESS",
//	   "event_type": "m.room.message", "reported_by": "BRIDGE", "retry_num": 0}
//	]}
//
// imscope reads four fields of each checkpoint and requires them:
//   - event_id: the Matrix event, at most 255 bytes; it pairs the steps of one message.
//   - step: CLIENT, HOMESERVER, BRIDGE, DECRYPTED, REMOTE or COMMAND.
//   - status: SUCCESS, WILL_RETRY, PERM_FAILURE, UNSUPPORTED, TIMEOUT,
//     DELIVERED or DELIVERY_FAILED.
//   - timestamp: milliseconds since the epoch, within a day before and an
//     hour after imscope's clock (anything else is a wrong unit or clock).
//
// Other fields (room_id, event_type, reported_by, retry_num, message_type,
// info, client_type, client_version, original_event_id, manual_retry_count,
// and any added later) are ignored, whatever their type. A checkpoint that
// fails a check is rejected by its index; the others in the same body still
// count. Answers are JSON, errors in the shape of imscope's API
// ({"error": {"code", "message", "param", "request_id"}}; param names the
// part of the body at fault, when one is, and request_id is the answer's
// X-Request-Id):
//
//	200 {"accepted": 2}
//	207 {"accepted": 1, "rejected": [{"index": 1, "error": "checkpoints[1].step: \"TELEPORT\" is not a checkpoint step (…)"}], "rejected_count": 1}
//	400 {"accepted": 0, "rejected": [{"index": 0, "error": "…"}], "rejected_count": 1,
//	     "error": {"code": "invalid_body", "message": "no checkpoint accepted", "param": "checkpoints", "request_id": "…"}}
//	400 {"error": {"code": "invalid_body", "message": "invalid JSON at byte 17: …", "request_id": "…"}}   (nothing counted)
//	401 {"error": {"code": "unauthorized", "message": "missing or unknown bearer token (…)", "request_id": "…"}}
//	404 {"error": {"code": "not_found", …}}             (a path not ending in checkpoints or bridge_state)
//	405 {"error": {"code": "method_not_allowed", …}}    (anything but POST)
//	413 {"error": {"code": "request_too_large", "message": "body is larger than 1048576 bytes (max_body_bytes)", …}}
//	429 {"error": {"code": "too_many_requests", …}}     (imscope serve: too many wrong tokens from the address; see Retry-After)
//	503 {"error": {"code": "unavailable", …}}           (bridge states only: too many waiting to be stored; see Retry-After)
//
// # From checkpoints to traffic
//
// Direction: mautrix checkpoints follow Matrix events on their way out to
// the remote network (bridgev2 skips double-puppeted events, which came from
// the remote side), so every message counted here crossed the bridge in the
// configured from_network → to_network direction, and from_network should be
// the Matrix side. Messages from the remote network into Matrix are not
// checkpointed and are not counted here; scrape the bridge's metrics for them.
//
// Per event, within one bridge:
//   - Counted steps are HOMESERVER, BRIDGE, DECRYPTED and REMOTE. CLIENT
//     (stamped by a user's device and its clock) and COMMAND (commands to
//     the bridge bot, not traffic) are accepted and ignored.
//   - messages counts every message the route tried to carry and whose
//     outcome is known; failures counts those that failed, so a failed
//     message is in both and failure ratio = failures / messages (the
//     definition analytics uses).
//   - A message succeeds when REMOTE SUCCESS arrives: the remote network
//     took it. WILL_RETRY is progress, not failure.
//   - A message fails when PERM_FAILURE, UNSUPPORTED or TIMEOUT arrives at
//     a counted step: the bridge gave up.
//   - The first outcome wins and an event counts once: duplicates, a retry's
//     SUCCESS after an earlier SUCCESS, late steps change nothing.
//   - DELIVERED and DELIVERY_FAILED are receipts from the recipient's side,
//     often much later. They decide an event only if it was seen on its way
//     and REMOTE SUCCESS has not arrived (DELIVERED counts as a success,
//     untimed; DELIVERY_FAILED as a failure); otherwise they are ignored, so
//     a late receipt never counts a message twice.
//   - A manual retry is a new Matrix event (original_event_id set) and
//     counts on its own: a message that failed and was retried successfully
//     is two messages, one of them failed.
//   - Latency runs from the earliest counted non-outcome checkpoint
//     (HOMESERVER, BRIDGE, DECRYPTED, or a WILL_RETRY) to REMOTE SUCCESS,
//     clamped at zero (steps are stamped by different hosts). Only successes
//     are timed, and only those with an earlier checkpoint, so the
//     histogram's total can be below messages − failures: mean latency is
//     latency_sum divided by the histogram's total, not by messages.
//   - The histogram's upper bounds are 5, 10, 25, 50, 100, 250 and 500 ms,
//     1, 2.5, 5 and 10 s, and +Inf (imscope.LatencyInf), in microseconds.
//   - Checkpoints of one request are applied in time order, so a bridge that
//     batches them out of order pairs them the same way.
//   - An event is remembered for pending_ttl (10m) after it is first seen,
//     and at most max_pending (100000) events are (oldest forgotten first);
//     an event forgotten before its outcome is not counted (WILL_RETRY is
//     not a failure until the bridge says it gave up), and the count of
//     such events is logged.
//   - Bytes are not in checkpoints and stay 0.
//
// A message counts in the interval (default 1m, UTC-aligned) of the
// checkpoint that decided it. Collect hands over the rows of intervals that
// ended more than 30 s ago; an outcome for an interval already handed over
// makes another row for that interval (rows are increments): its next
// revision, stamped a millisecond after the last, because every row is
// stored once by its key (interval, bridge, route, source) and a second row
// under the same key would be refused as a conflict. Flush, at shutdown,
// hands over the open intervals too; after a restart, the receiver first
// reads which intervals of the last day are stored, so the interval open at
// shutdown continues as a new revision. Only counted rows live in memory
// between collections; events still waiting for their outcome are lost on
// restart.
//
// # Bridge states: POST …/NAME/bridge_state
//
// The body is one mautrix-go status.BridgeState:
//
//	{"state_event": "TRANSIENT_DISCONNECT", "timestamp": 1700000000, "ttl": 3600,
//	 "source": "bridge", "error": "wa-connection-lost", "message": "Connection lost",
//	 "user_id": "@alice:example.org", "remote_id": "15551234567", "remote_name": "+1 555-123-4567"}
//
// Read: state_event (required; upper-case letters, digits and _; mautrix
// also sends "stateEvent" for BRIDGE_UNREACHABLE, accepted in its place),
// timestamp (seconds since the epoch, same window as checkpoints; missing
// means the time it arrived), error (kept up to 256 bytes), message (up to
// 1024 bytes) and remote_id (the login the state is about, "" for the
// bridge itself; at most 255 bytes). user_id, remote_name and the rest are
// ignored: they identify people. remote_id can too (a WhatsApp login's is its
// phone number); it is kept because bridge_states.remote_id tells one
// login's uptime from another's. Each body is one imscope.BridgeState row
// with Up true for RUNNING, CONNECTED and BACKFILLING, false for every other
// state (STARTING, UNCONFIGURED, CONNECTING, TRANSIENT_DISCONNECT,
// BRIDGE_UNREACHABLE, BAD_CREDENTIALS, UNKNOWN_ERROR, LOGGED_OUT). A state
// mautrix does not define still lands, as down, with a Problem. Strings are
// kept as sent: they are data, never markup or SQL.
package checkpoints
