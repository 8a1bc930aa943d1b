//! Process-level tests of the `davomat` binary: each case starts the real binary as
//! child processes (on free ports, each with its own SQLite file in the temp dir),
//! talks to it over HTTP and its command line, and kills what it started when it ends.
//!
//! Redis and SMTP cases need `127.0.0.1:6379` and `python3 -m aiosmtpd`; without them
//! they are skipped with a note, unless `CI` (or `DAVOMAT_TEST_REQUIRE_REDIS`,
//! `DAVOMAT_TEST_REQUIRE_SMTP`) is set, which makes their absence a failure.

mod backups;
mod balancer;
mod cli;
mod copies;
mod demo;
mod device_kill;
mod imports;
mod ingest_kill;
mod mail;
mod nodes;
mod operations;
mod rate_limit;
mod rolling;
mod support;
mod webhook_kill;
