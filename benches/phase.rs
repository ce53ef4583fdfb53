use rollcall::yaml;
use std::time::Instant;
fn main() {
    let root = std::path::Path::new("/tmp/gen100k/members");
    let mut files = Vec::new();
    for e in walkdir::WalkDir::new(root).into_iter().filter_map(Result::ok) {
        if e.file_type().is_file() {
            files.push((e.path().display().to_string(), std::fs::read(e.path()).unwrap()));
        }
        if files.len() == 20000 {
            break;
        }
    }
    let n = files.len() as f64;
    let t = Instant::now();
    for (p, b) in &files {
        std::hint::black_box(yaml::load(p, b, yaml::MEMBER_LIMITS, yaml::Layout::Free));
    }
    println!("load, dropped at once: {:.1} us/file", t.elapsed().as_secs_f64() * 1e6 / n);
    let t = Instant::now();
    for (p, b) in &files {
        std::hint::black_box(yaml::load(p, b, yaml::MEMBER_LIMITS, yaml::Layout::Canonical));
    }
    println!("load canonical, dropped at once: {:.1} us/file", t.elapsed().as_secs_f64() * 1e6 / n);
    let t = Instant::now();
    let mut docs = Vec::new();
    for (p, b) in &files {
        docs.push(yaml::load(p, b, yaml::MEMBER_LIMITS, yaml::Layout::Free));
    }
    println!("load (no canonical): {:.1} us/file", t.elapsed().as_secs_f64() * 1e6 / n);
    let t = Instant::now();
    for d in &docs {
        std::hint::black_box(yaml::to_canonical(d.value.as_ref().unwrap()));
    }
    println!("to_canonical: {:.1} us/file", t.elapsed().as_secs_f64() * 1e6 / n);
    let src = rollcall::source::Source::disk(std::path::Path::new("/tmp/gen100k")).unwrap();
    let config = match rollcall::config::load(&src) {
        Ok(c) => c,
        Err(_) => panic!(),
    };
    let t = Instant::now();
    for (d, (p, _)) in docs.iter().zip(&files) {
        std::hint::black_box(config.schema.check(p, d.value.as_ref().unwrap(), &d.spans));
    }
    println!("schema: {:.1} us/file", t.elapsed().as_secs_f64() * 1e6 / n);
    let t = Instant::now();
    for (d, (p, _)) in docs.iter().zip(&files) {
        std::hint::black_box(rollcall::roll::Member::from_document(p, d.value.as_ref().unwrap(), &d.spans));
    }
    println!("summary: {:.1} us/file", t.elapsed().as_secs_f64() * 1e6 / n);
    let t = Instant::now();
    for (_, b) in &files {
        for ev in serde_saphyr::granit_parser::Parser::new_from_str(std::str::from_utf8(b).unwrap()) {
            std::hint::black_box(ev.ok());
        }
    }
    println!("bare parser events: {:.1} us/file", t.elapsed().as_secs_f64() * 1e6 / n);
}
