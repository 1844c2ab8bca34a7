//! What a snapshot describes, and the names Posture gives it: an image without its tag, a
//! report that names nothing after its file, read as a name.

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AssetKind {
    ContainerImage,
    Repository,
    Filesystem,
    Cluster,
    Other,
}

impl AssetKind {
    pub const ALL: [AssetKind; 5] = [
        AssetKind::ContainerImage,
        AssetKind::Repository,
        AssetKind::Filesystem,
        AssetKind::Cluster,
        AssetKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AssetKind::ContainerImage => "container image",
            AssetKind::Repository => "repository",
            AssetKind::Filesystem => "filesystem",
            AssetKind::Cluster => "cluster",
            AssetKind::Other => "target",
        }
    }
}

/// What a snapshot describes. Two snapshots of the same asset form a history, so a container
/// image is named by its repository without tag or digest: successive builds are one asset.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Asset {
    pub kind: AssetKind,
    pub name: String,
}

impl Asset {
    /// A container image named by its repository: `ghcr.io/acme/api:1.4@sha256:…` →
    /// `ghcr.io/acme/api`. A registry port (`localhost:5000/api`) is kept, and so is a file path
    /// to an image archive (`C:\images\api.tar`, `images/alpine.tar.gz`): it has no tag.
    pub fn image(reference: &str) -> Asset {
        let name = if looks_like_a_path(reference) {
            reference
        } else {
            let without_digest = reference
                .split_once('@')
                .map_or(reference, |(name, _)| name);
            let last_slash = without_digest.rfind('/').map_or(0, |i| i + 1);
            match without_digest[last_slash..].rfind(':') {
                Some(colon) => &without_digest[..last_slash + colon],
                None => without_digest,
            }
        };
        Asset {
            kind: AssetKind::ContainerImage,
            name: name.to_string(),
        }
    }
}

impl Asset {
    /// The asset of a report that does not say what it scanned, named as a reader would: the
    /// file's name (its path in a dropped folder) without date or time stamps, its extensions
    /// or the tool's name, so that `api-semgrep-2026-10-12.json` and `api-semgrep-2026-11-18.json`
    /// are two scans of one asset, `api`, which `api-bandit.json` scans too. What is left must
    /// hold a letter (`semgrep-1.84.1.json` stays `semgrep-1.84.1`); a file named only after its
    /// tool names its folder, or the tool when it has none.
    pub fn file(name: &str) -> Asset {
        let without = without_date_stamps(name);
        let (folder, last) = without.rsplit_once('/').unwrap_or(("", &without));
        // Nothing left of the file's own name but an extension: `payments/2026-11-18.json`.
        let without = match (last.is_empty() || last.starts_with('.'), folder.is_empty()) {
            (false, _) => without.clone(),
            (true, false) => folder.to_string(),
            (true, true) => name.to_string(),
        };
        let readable = readable(&without);
        Asset {
            kind: AssetKind::Other,
            name: if readable.trim_matches(is_separator_char).is_empty() {
                name.to_string()
            } else {
                readable
            },
        }
    }
}

/// What a report's file name ends with, not part of what it scanned.
const EXTENSIONS: [&str; 11] = [
    ".gz", ".json", ".jsonl", ".ndjson", ".sarif", ".csv", ".log", ".txt", ".yaml", ".yml", ".xml",
];

/// Words that name a tool, not the thing scanned (longest first, so `detect-secrets` goes
/// whole).
const TOOL_WORDS: [&str; 20] = [
    "detect-secrets",
    "osv-scanner",
    "kube-bench",
    "ctr-events",
    "npm-audit",
    "trufflehog",
    "cloudtrail",
    "containerd",
    "gatekeeper",
    "securityhub",
    "gitleaks",
    "checkov",
    "kyverno",
    "semgrep",
    "bandit",
    "trivy",
    "grype",
    "falco",
    "sarif",
    "audit",
];

/// A file's path as an asset's name: without extensions and tool words in its last part.
fn readable(path: &str) -> String {
    let (folder, file) = match path.rfind('/') {
        Some(i) => (&path[..i], &path[i + 1..]),
        None => ("", path),
    };
    let mut stem = file;
    while let Some(ext) = EXTENSIONS
        .iter()
        .find(|e| stem.len() > e.len() && stem.to_ascii_lowercase().ends_with(*e))
    {
        stem = &stem[..stem.len() - ext.len()];
    }
    // A browser's second download of a file is the same file: `api-semgrep (1).json`.
    let stem = without_copy_mark(stem);
    // The tool names the report at its end (`api-semgrep`, `payments-cluster-audit`); a word
    // at its start or in its middle may be the project's own (`audit-service`).
    let mut words = stem.trim_end_matches(is_separator_char);
    while let Some(shorter) = TOOL_WORDS.iter().find_map(|tool| {
        let cut = words.len().checked_sub(tool.len())?;
        let (head, tail) = (words.get(..cut)?, words.get(cut..)?);
        (tail.eq_ignore_ascii_case(tool) && head.chars().next_back().is_none_or(is_separator_char))
            .then(|| head.trim_end_matches(is_separator_char))
    }) {
        words = shorter;
    }
    let last = if words.chars().any(char::is_alphabetic) {
        words
    } else if words.is_empty() && !folder.is_empty() {
        // `payments/gitleaks.json`: the folder says what was scanned.
        return folder.to_string();
    } else {
        // Only the tool's name, or its name and a version: the file's name says more.
        stem
    };
    if folder.is_empty() {
        last.to_string()
    } else {
        format!("{folder}/{last}")
    }
}

fn is_separator_char(c: char) -> bool {
    c.is_ascii() && is_separator(c as u8)
}

/// A name without the mark a browser or a file manager adds to a second copy: ` (1)`, ` copy`,
/// ` - Copy`.
fn without_copy_mark(stem: &str) -> &str {
    let trimmed = stem.trim_end();
    if let Some(open) = trimmed.rfind(" (")
        && trimmed.ends_with(')')
        && trimmed[open + 2..trimmed.len() - 1]
            .bytes()
            .all(|b| b.is_ascii_digit())
        && trimmed.len() > open + 3
    {
        return &trimmed[..open];
    }
    for mark in [" - Copy", " copy", " Copy"] {
        if let Some(rest) = trimmed.strip_suffix(mark) {
            return rest;
        }
    }
    stem
}

fn is_separator(c: u8) -> bool {
    matches!(c, b'-' | b'_' | b'.' | b'/' | b' ')
}

/// `name` with every date stamp (`2026-11-18`, `20261118`, optionally followed by a time such as
/// `T08-02-47Z` or `_0802`) that stands between separators removed, with one separator beside it.
fn without_date_stamps(name: &str) -> String {
    let bytes = name.as_bytes();
    let mut out = String::with_capacity(name.len());
    let mut i = 0;
    while i < bytes.len() {
        let at_start = i == 0 || is_separator(bytes[i - 1]);
        if let Some(len) = at_start.then(|| date_stamp_len(&bytes[i..])).flatten() {
            let end = i + len;
            let at_end = end == bytes.len() || is_separator(bytes[end]);
            if at_end {
                // Drop the separator before the stamp, or after it when the stamp leads.
                let sep_before = out.as_bytes().last().copied().filter(|&c| is_separator(c));
                match sep_before {
                    Some(b'/') | None => {
                        let sep_after = bytes.get(end).is_some_and(|&c| c != b'.');
                        i = end + usize::from(sep_after);
                    }
                    Some(_) => {
                        out.pop();
                        i = end;
                    }
                }
                continue;
            }
        }
        let c = name[i..].chars().next().unwrap_or_default();
        out.push(c);
        i += c.len_utf8().max(1);
    }
    out
}

/// The length of a date stamp (and an optional time after it) at the start of `b`.
fn date_stamp_len(b: &[u8]) -> Option<usize> {
    let digits = |from: usize, n: usize| {
        b.len() >= from + n && b[from..from + n].iter().all(u8::is_ascii_digit)
    };
    let number = |from: usize, n: usize| {
        b[from..from + n]
            .iter()
            .fold(0u32, |v, d| v * 10 + u32::from(d - b'0'))
    };
    let (month_at, day_at, mut len) = if digits(0, 4) && b.get(4) == Some(&b'-') && digits(5, 2) {
        if !(b.get(7) == Some(&b'-') && digits(8, 2)) {
            return None;
        }
        (5, 8, 10)
    } else if digits(0, 8) && !digits(8, 1) {
        (4, 6, 8)
    } else {
        return None;
    };
    let (year, month, day) = (number(0, 4), number(month_at, 2), number(day_at, 2));
    if !(1990..=2100).contains(&year) || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    // A time: hours and minutes, optional seconds and fraction, optional Z — not the next
    // date of a range (`2026-11-01-2026-11-30`).
    let next_date = digits(len + 1, 4) && b.get(len + 5) == Some(&b'-');
    if matches!(b.get(len), Some(b'T' | b't' | b'_' | b'-')) && !next_date {
        let mut j = len + 1;
        if digits(j, 2) {
            j += 2;
            let mut parts = 1;
            while parts < 3 {
                let sep = matches!(b.get(j), Some(b':' | b'-'));
                let at = j + usize::from(sep);
                if !digits(at, 2) {
                    break;
                }
                j = at + 2;
                parts += 1;
            }
            if parts >= 2 {
                if b.get(j) == Some(&b'.') && digits(j + 1, 1) {
                    j += 1;
                    while digits(j, 1) {
                        j += 1;
                    }
                }
                if matches!(b.get(j), Some(b'Z' | b'z')) {
                    j += 1;
                }
                len = j;
            }
        }
    }
    Some(len)
}

/// A file path rather than an image reference: a backslash, a drive letter, an archive suffix.
fn looks_like_a_path(reference: &str) -> bool {
    let bytes = reference.as_bytes();
    let drive = bytes.len() > 2
        && bytes[0].is_ascii_alphabetic()
        && bytes[1] == b':'
        && matches!(bytes[2], b'\\' | b'/');
    let archive = [".tar", ".tar.gz", ".tgz", ".tar.zst", ".oci"]
        .iter()
        .any(|s| reference.ends_with(s));
    drive || archive || reference.contains('\\')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_assets_are_readable_names_so_dated_files_form_one_history() {
        for (file, asset) in [
            ("api-semgrep-2026-11-18.json", "api"),
            ("api-semgrep-20261118.json", "api"),
            ("api-semgrep-20261118T0802Z.json", "api"),
            ("api_2026-11-18T08-02-47Z_bandit.json", "api"),
            ("scan-20261118T080247.123Z.json", "scan"),
            ("2026-11-18_checkov.json", "checkov"),
            ("payments/2026-11-18/gitleaks.json", "payments"),
            ("reports-2026-11-18.zip/semgrep.json", "reports.zip"),
            ("payments-cluster-kube-bench.json", "payments-cluster"),
            ("payments-cluster-audit.jsonl.gz", "payments-cluster"),
            ("api.detect-secrets.json", "api"),
            ("payments/2026-11-18.json", "payments"),
            ("api-semgrep (1).json", "api"),
            ("api-semgrep copy.json", "api"),
            ("report-2026-11-01-2026-11-30.json", "report"),
            // Only at the end: a tool's name at the start or in the middle may be the project's.
            ("audit-service-semgrep.json", "audit-service"),
            (
                "Payments_API-Gitleaks-report.json",
                "Payments_API-Gitleaks-report",
            ),
            ("trivy-operator-notes.json", "trivy-operator-notes"),
            ("osv-scanner-6-lockfiles.json", "osv-scanner-6-lockfiles"),
            ("auditor.json", "auditor"),
            // Not dates: versions, build numbers, impossible days; nothing left but an extension.
            ("semgrep-1.30.0.json", "semgrep-1.30.0"),
            ("build-12345678.json", "build-12345678"),
            ("x-2026-13-01.json", "x-2026-13-01"),
            ("x2026-11-18.json", "x2026-11-18"),
            ("2026-11-18.json", "2026-11-18"),
            ("ünïcode-2026-11-18.json", "ünïcode"),
        ] {
            assert_eq!(Asset::file(file).name, asset, "{file}");
        }
    }

    #[test]
    fn images_are_named_without_tag_or_digest() {
        for (reference, name) in [
            ("ghcr.io/acme/api:1.4", "ghcr.io/acme/api"),
            ("ghcr.io/acme/api@sha256:abc", "ghcr.io/acme/api"),
            ("ghcr.io/acme/api:1.4@sha256:abc", "ghcr.io/acme/api"),
            ("localhost:5000/api", "localhost:5000/api"),
            ("localhost:5000/api:2", "localhost:5000/api"),
            ("alpine:3.10", "alpine"),
            ("images/alpine-310.tar.gz", "images/alpine-310.tar.gz"),
            (r"C:\images\api.tar", r"C:\images\api.tar"),
            (r"C:\images\web.tar", r"C:\images\web.tar"),
            ("D:/scans/app.tar", "D:/scans/app.tar"),
            ("registry:5000/app.tar:1", "registry:5000/app.tar"),
        ] {
            assert_eq!(Asset::image(reference).name, name, "{reference}");
        }
    }

    #[test]
    fn any_file_name_gives_a_name_without_panicking() {
        // Names of tool words, separators, digits, dates and multi-byte letters, mixed by a
        // small linear congruential generator: every one gives a name, none panics.
        let parts = [
            "semgrep",
            "-",
            "_",
            ".",
            " ",
            "/",
            "2026-11-18",
            "(1)",
            "ä",
            "日本",
            "json",
            ".gz",
            "audit",
            "x",
            "0",
            "copy",
            "T08:02",
            "detect-secrets",
            "",
        ];
        let mut seed: u64 = 7;
        for _ in 0..20_000 {
            let mut name = String::new();
            for _ in 0..(seed % 7 + 1) {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                name.push_str(parts[(seed >> 33) as usize % parts.len()]);
            }
            let asset = Asset::file(&name);
            assert!(!asset.name.is_empty() || name.is_empty(), "{name:?}");
        }
    }
}
