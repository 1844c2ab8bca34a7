//! Reading a document while it arrives gives what reading it whole gives: every Trivy fixture,
//! real report and random document, cut into pieces of every size; and the loader that decides
//! between the two.

use std::task::{Context, Poll, Waker};

use posture::core::formats::{self, Loaded, Loader, Parsed};
use posture::core::hash::content_digest;
use posture::core::json::feed::{Feed, Stop};

use crate::support::{fixture, read, real_dir};

/// The format's stream parse of `bytes` pushed `piece` bytes at a time.
fn streamed(format: &str, name: &str, bytes: &[u8], piece: usize) -> Result<Parsed, Stop> {
    let stream = formats::by_id(format)
        .and_then(|f| f.stream)
        .expect("a streaming format");
    let feed = Feed::default();
    let mut parse = stream(feed.clone(), name.into());
    let mut poll = |feed: &Feed| match feed.ready() {
        true => parse.as_mut().poll(&mut Context::from_waker(Waker::noop())),
        false => Poll::Pending,
    };
    for p in bytes.chunks(piece.max(1)) {
        feed.push(p);
        if let Poll::Ready(outcome) = poll(&feed) {
            return outcome;
        }
    }
    feed.end();
    match poll(&feed) {
        Poll::Ready(outcome) => outcome,
        Poll::Pending => panic!("the stream waits after its end"),
    }
}

/// Whether the stream, in pieces of several sizes, either stops (the file is then read whole)
/// or gives exactly the whole parse; never a document the whole parser refuses. `Some(true)`
/// when it streamed at every size.
pub fn check(format: &str, name: &str, bytes: &[u8]) -> bool {
    let whole = formats::load(name, bytes);
    // The loader streams only what was recognised as the format.
    let recognised = match &whole {
        Ok(parsed) => parsed.evidence.format() == format,
        Err(e) => e.format == Some(format),
    };
    if !recognised {
        return false;
    }
    let mut streamed_every_time = true;
    for piece in [1, 7, 64, 1000, 65_536, usize::MAX] {
        match (streamed(format, name, bytes, piece), &whole) {
            (Err(Stop), _) => streamed_every_time = false,
            (Ok(parsed), Ok(expected)) => {
                assert_eq!(
                    parsed.evidence, expected.evidence,
                    "{name} in pieces of {piece}"
                );
                assert_eq!(
                    parsed.warnings, expected.warnings,
                    "{name} in pieces of {piece}"
                );
            }
            (Ok(_), Err(e)) => panic!("{name} streams in pieces of {piece}, but whole: {e:?}"),
        }
    }
    streamed_every_time
}

#[test]
fn trivy_fixtures_stream_as_they_parse_whole() {
    let dir = fixture("trivy");
    let mut streamed = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if path.is_file() && check("trivy", &name, &read(&path)) {
            streamed.push(name);
        }
    }
    streamed.sort();
    // The broken ones (truncated, wrong type, appended, summary only, UTF-16) are read whole.
    assert_eq!(
        streamed,
        [
            "config-pass-fail.json",
            "fs-dot-clean.json",
            "image-clean.json",
            "image-mixed.json",
            "k8s-resources.json",
            "markup-in-names.json",
        ]
    );
}

#[test]
fn real_trivy_reports_stream() {
    for entry in std::fs::read_dir(real_dir("trivy")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            assert!(check("trivy", &name, &read(&path)), "{name} did not stream");
        }
    }
}

#[test]
fn key_orders_other_than_trivys_are_read_whole() {
    // `jq -S`: a result's Target after its Secrets; a resource's Name after its Results.
    let sorted = br#"{"ArtifactName":"a","Results":[{"Class":"secret","Secrets":[{"RuleID":"r"}],"Target":"t"}],"SchemaVersion":2}"#;
    assert!(!check("trivy", "sorted.json", sorted));
    let resource = br#"{"ClusterName":"c","Resources":[{"Results":[],"Name":"n"}]}"#;
    assert!(!check("trivy", "resource.json", resource));
    // Vulnerabilities after secrets would list findings in another order.
    let order = br#"{"Results":[{"Target":"t","Secrets":[],"Vulnerabilities":[]}]}"#;
    assert!(!check("trivy", "order.json", order));
    // The report's lists in another order than the whole parse takes them.
    let eks = read(&real_dir("trivy").join("trivy-k8s-cluster-eks-legacy-report.json"));
    let mut doc: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(&eks).unwrap();
    let vulnerabilities = doc.remove("Vulnerabilities").unwrap();
    doc.insert("Vulnerabilities".into(), vulnerabilities);
    let reordered = serde_json::to_vec(&doc).unwrap();
    assert!(!check("trivy", "eks.json", &reordered));
    let resources = br#"{"ClusterName":"c","Resources":[],"Results":[]}"#;
    assert!(!check("trivy", "resources-first.json", resources));
    // A known field twice: serde refuses it, so the stream must not accept it.
    let twice = br#"{"SchemaVersion":2,"SchemaVersion":2,"Results":[]}"#;
    assert!(!check("trivy", "twice.json", twice));
    // Trivy's own order, with fields the parser skips of every kind, streams.
    let skipped = br#"{"SchemaVersion":2,"X":[1,-2.5e3,true,null,"\"]}",{"a":[{}]}],"ArtifactName":"a","Results":[{"Target":"t","Class":"os-pkgs","Packages":[{"n":"\\"}],"Vulnerabilities":[{"VulnerabilityID":"CVE-1","PkgName":"p","Severity":"HIGH","References":["x"]}],"Licenses":[{},{}]}]}"#;
    assert!(check("trivy", "skipped.json", skipped));
}

/// A Trivy image report of about `bytes` bytes, in Trivy's indented layout.
fn big_report(bytes: usize) -> Vec<u8> {
    let mut vulns = Vec::new();
    let mut size = 0;
    let mut i = 0;
    while size < bytes {
        let v = format!(
            r#"        {{
          "VulnerabilityID": "CVE-2026-{i}",
          "PkgName": "pkg{}",
          "InstalledVersion": "1.{i}",
          "Severity": "{}",
          "Title": "é {i}",
          "Description": "{}"
        }}"#,
            i % 97,
            ["CRITICAL", "HIGH", "LOW"][i % 3],
            "a long description \\\"quoted\\\" ".repeat(20)
        );
        size += v.len() + 2;
        vulns.push(v);
        i += 1;
    }
    format!(
        "{{\n  \"SchemaVersion\": 2,\n  \"ArtifactName\": \"app:1\",\n  \"ArtifactType\": \"container_image\",\n  \"Results\": [\n    {{\n      \"Target\": \"app:1 (debian 12)\",\n      \"Class\": \"os-pkgs\",\n      \"Vulnerabilities\": [\n{}\n      ]\n    }}\n  ]\n}}\n",
        vulns.join(",\n")
    )
    .into_bytes()
}

fn load_in_pieces(name: &str, bytes: &[u8], piece: usize) -> (Loaded, usize) {
    let mut loader = Loader::new(name, bytes.len() as u64);
    let mut held = 0;
    for p in bytes.chunks(piece) {
        loader.push(p);
        held = held.max(loader.held());
        if loader.rereading() {
            break;
        }
    }
    (loader.finish(), held)
}

#[test]
fn the_loader_parses_a_big_report_as_it_arrives_in_little_memory() {
    let bytes = big_report(12 << 20);
    let expected = formats::load("big.json", &bytes).unwrap();
    for piece in [65_536, 300_001, 1 << 20] {
        let (loaded, held) = load_in_pieces("big.json", &bytes, piece);
        let Loaded::Parsed(carried) = loaded else {
            panic!("the big report was not streamed in pieces of {piece}");
        };
        assert_eq!(carried.parsed.evidence, expected.evidence);
        assert_eq!(carried.parsed.warnings, expected.warnings);
        assert_eq!(carried.digest, content_digest(&bytes));
        // Never more than the first MiB (to recognise it) and a few pieces.
        assert!(
            held < (2 << 20) + 3 * piece,
            "held {held} bytes in pieces of {piece}"
        );
    }
}

#[test]
fn the_loader_keeps_small_files_archives_and_other_formats_whole() {
    let small = read(&fixture("trivy/image-mixed.json"));
    assert!(matches!(load_in_pieces("s.json", &small, 100).0, Loaded::Whole(b) if b == small));
    // A big Grype-like document: no stream parser, kept whole.
    let other = format!("{{\"matches\":[{}]}}", "{\"x\":1},".repeat(1 << 20) + "{}").into_bytes();
    assert!(matches!(load_in_pieces("o.json", &other, 65_536).0, Loaded::Whole(b) if b == other));
    // Gzip, by its magic bytes.
    let mut gz = vec![0x1f, 0x8b, 8, 0];
    gz.resize(5 << 20, 0);
    assert!(matches!(load_in_pieces("r.json.gz", &gz, 65_536).0, Loaded::Whole(b) if b == gz));
}

#[test]
fn the_loader_asks_for_the_file_again_when_the_stream_cannot_read_it() {
    let mut bytes = big_report(6 << 20);
    // Invalid UTF-8 deep in a description the stream skips: the whole parse replaces and warns.
    let at = bytes.len() - 5000;
    let quote = bytes[at..].iter().position(|&b| b == b'a').unwrap() + at;
    bytes[quote] = 0xFF;
    assert!(matches!(
        load_in_pieces("bad.json", &bytes, 65_536).0,
        Loaded::Reread
    ));
    // Cut short: the whole parse says where.
    let good = big_report(6 << 20);
    let cut = &good[..good.len() - 100];
    let mut loader = Loader::new("cut.json", good.len() as u64);
    cut.chunks(65_536).for_each(|p| loader.push(p));
    assert!(matches!(loader.finish(), Loaded::Reread));
}

#[test]
fn broken_json_in_what_the_stream_skips_is_left_to_the_whole_parser() {
    // Each is refused whole (serde_json's grammar); the stream must not load it either.
    for skipped in [
        r#"[1 2]"#,
        r#"[1,]"#,
        r#""\q""#,
        "\"tab\there\"",
        "01",
        "1.",
        "tru",
        r#"{"a" 1}"#,
        r#"{"a":1,}"#,
    ] {
        let doc = format!(
            r#"{{"SchemaVersion":2,"ArtifactName":"a","Results":[{{"Target":"t","Class":"os-pkgs","Packages":{skipped},"Vulnerabilities":[]}}]}}"#
        );
        assert!(
            formats::load("x.json", doc.as_bytes()).is_err(),
            "{skipped}"
        );
        assert!(!check("trivy", "x.json", doc.as_bytes()), "{skipped}");
    }
}
