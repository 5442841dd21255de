// Package schedule says when imscope's jobs run and runs them: the one
// scheduler of `imscope serve`, for collectors, spool replay, alert
// evaluation and delivery, and reports.
//
// Schedule is a cron spec evaluated on the wall clock of its zone, so a
// daily 02:30 job runs once on every day, including the days clocks change
// (see Schedule). Scheduler runs jobs on robfig/cron, which the product has
// always used, with the same guards for every job: a run still going when
// its next turn comes is skipped, and a run that panics is recovered and
// logged, and runs again on its next turn.
//
// It lives under collector because collectors are the lowest layer that
// needs it. Imports point one way — cmd → dashboard → analytics → queries
// and cmd → collector → queries — so collector may not import anything of
// dashboard, while dashboard's reports (and cmd) may import this. It imports
// nothing of imscope: only robfig/cron and the standard library.
package schedule
