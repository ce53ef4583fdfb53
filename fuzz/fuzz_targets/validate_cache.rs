//! Fuzzes the reading of `validate`'s cache file
//! (`.git/rollcall-validate-cache`, postcard): whatever bytes are found
//! there, deciding whether they are a usable cache never panics, and a
//! damaged length allocates no more than the bytes can hold (libFuzzer's
//! `-malloc_limit_mb` catches one that would).
//!
//! Seed it with a real cache: run `rollcall validate` in a ledger and copy
//! its `.git/rollcall-validate-cache` into the corpus.

#![no_main]

use libfuzzer_sys::fuzz_target;
use rollcall::roll::validate_cache;

fuzz_target!(|data: &[u8]| {
    let _ = validate_cache::usable(data);
});
