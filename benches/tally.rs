//! Benchmark of `rollcall tally`: 100,000 weighted ballots, 30 candidates,
//! 10 seats, generated from a fixed seed (the same file every run).
//!
//! `cargo bench --bench tally [-- BALLOTS]` writes the BLT file, then times
//! the real binary counting it (`--format json`, default method `meek`,
//! then `astra`) three times each and prints the median, and the library's
//! parse and count separately. Target: at most 2 s for the Meek count on
//! the 2-core machine.

use std::fmt::Write as _;
use std::process::Command;
use std::time::{Duration, Instant};

const CANDIDATES: usize = 30;
const SEATS: usize = 10;
const RUNS: usize = 3;

/// xorshift64*: a fixed, dependency-free generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// The BLT text: ballots rank 1 to 30 candidates (most rank a few), drawn
/// by popularity without replacement; weights as membership tiers give them
/// (mostly 1, some 5, 15 and 50).
fn generate(ballots: usize) -> String {
    let mut rng = Rng(0x5eed_2026_0000_0001);
    let popularity: Vec<u64> = (0..CANDIDATES as u64).map(|c| 1000 / (c + 3) + 20).collect();
    let mut out = format!("{CANDIDATES} {SEATS}\n");
    for _ in 0..ballots {
        let weight = match rng.below(100) {
            0..=84 => 1,
            85..=94 => 5,
            95..=98 => 15,
            _ => 50,
        };
        let mut length = 1;
        while length < CANDIDATES && rng.below(100) < 78 {
            length += 1;
        }
        let mut left: Vec<usize> = (0..CANDIDATES).collect();
        let _ = write!(out, "{weight}");
        for _ in 0..length {
            let total: u64 = left.iter().map(|&c| popularity[c]).sum();
            let mut pick = rng.below(total);
            let mut i = 0;
            while pick >= popularity[left[i]] {
                pick -= popularity[left[i]];
                i += 1;
            }
            let _ = write!(out, " {}", left.swap_remove(i) + 1);
        }
        out.push_str(" 0\n");
    }
    out.push_str("0\n");
    for c in 1..=CANDIDATES {
        let _ = writeln!(out, "\"Candidate {c}\"");
    }
    out.push_str("\"Benchmark election\"\n");
    out
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let ballots: usize = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(100_000);
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("bench.blt");
    let text = generate(ballots);
    std::fs::write(&path, &text).expect("write the BLT file");
    println!("{ballots} ballot lines, {CANDIDATES} candidates, {SEATS} seats, {} bytes", text.len());

    let start = Instant::now();
    let election = rollcall::election::blt::parse(text.as_bytes(), "bench.blt").expect("a valid BLT file");
    let parse = start.elapsed();
    let start = Instant::now();
    let tally = rollcall::election::meek::count(&election, rollcall::election::Method::Meek, &[]);
    let count = start.elapsed();
    let iterations: u32 = tally.rounds.iter().map(|r| r.iterations).sum();
    println!(
        "library: parse {:.3} s, count {:.3} s ({} rounds, {iterations} iterations)",
        parse.as_secs_f64(),
        count.as_secs_f64(),
        tally.rounds.len()
    );

    let bin = env!("CARGO_BIN_EXE_rollcall");
    for method in ["meek", "astra"] {
        let mut times = Vec::new();
        for _ in 0..RUNS {
            let start = Instant::now();
            let out = Command::new(bin)
                .args(["tally", "--format", "json", "--method", method])
                .arg(&path)
                .output()
                .expect("run rollcall");
            times.push(start.elapsed());
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        }
        println!("rollcall tally --method {method}: median {:.3} s of {RUNS} runs", median(times).as_secs_f64());
    }
}
