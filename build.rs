//! Turns on the PostgreSQL test suite when `CA_COUNTER_TEST_PG` names a server; without
//! it those tests are listed as ignored with the reason, never skipped silently.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(pg_tests)");
    println!("cargo::rerun-if-env-changed=CA_COUNTER_TEST_PG");
    println!("cargo::rerun-if-changed=build.rs");
    if std::env::var("CA_COUNTER_TEST_PG").is_ok_and(|v| !v.trim().is_empty()) {
        println!("cargo::rustc-cfg=pg_tests");
    }
}
