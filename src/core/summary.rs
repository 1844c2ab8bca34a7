//! `posture.summary.v1`: what a set of files says, without the files, to merge with other
//! summaries into an organisation's scorecard (SPEC §11).
//!
//! A summary holds each source as the engine read it: its name, size, time and content digest,
//! and its body, the evidence Posture's model keeps of it (`core::wire`: findings' identities,
//! severities and places, the events some metric counts, incidents' times, checks' counts) or why
//! it could not be read. Counts and sketches alone would not do: a newer scan of an asset in one
//! summary supersedes an older one in another, a fix is seen only across an asset's scans, logs
//! that overlap count each event once, and the period is chosen after the merge. Keeping the
//! evidence makes every number of the merged scorecard the one all the files give loaded at
//! once: counts, rates and medians exactly (no quantile sketch, so no error bound but zero).
//!
//! Merging is a union of sources, each known by its name and digest, kept in that order: it is
//! associative and commutative, the empty summary is its identity, and a summary merged twice
//! counts once. Reading one is reading its sources as if each file were dropped again, in that
//! order.

mod base64;

use serde::Serialize;

use super::time::Timestamp;
use super::wire;

pub const SCHEMA: &str = "posture.summary.v1";
const SCHEMA_FAMILY: &str = "posture.summary.";
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Sources known by name and digest, in that order, each once.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    members: Vec<Member>,
}

/// One source of a summary, as a line of its file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Member {
    pub name: String,
    pub size: u64,
    /// The file's last-modified time, ms since 1970: a snapshot that does not say when it was
    /// taken is dated by it.
    pub modified: Option<i64>,
    /// `hash::content_digest` of the content, 16 hex digits; none for a file that could not even
    /// be unpacked.
    pub digest: Option<String>,
    /// For people and `jq`: what the body says, not read back.
    pub format: Option<String>,
    pub records: u64,
    pub error: Option<String>,
    /// The body, `wire::encode_outcome` in base64; none for a file whose content a source
    /// before it holds.
    pub evidence: Option<String>,
    /// For a member of an archive (or of a summary): the file dropped, and where inside it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inside: Option<Inside>,
}

/// Where a member stands in what was dropped: a dropped file's members are read after every
/// file dropped with it, in their order inside it (nested archives' members in their place).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Inside {
    pub dropped: String,
    pub at: Vec<u32>,
}

impl Member {
    /// What a member is known by in a merge (the same file twice is one source), in the order
    /// the engine reads a drop of all the files: the files dropped by name, then the members of
    /// archives, archive by archive.
    fn key(&self) -> impl Ord + '_ {
        let body = match self.digest {
            // A failure without a digest is known by what it says.
            None => self.evidence.as_deref(),
            Some(_) => None,
        };
        let (dropped, at) = match &self.inside {
            Some(inside) => (inside.dropped.as_str(), inside.at.as_slice()),
            None => (self.name.as_str(), &[][..]),
        };
        (
            self.inside.is_some(),
            dropped,
            at,
            &self.name,
            self.digest.as_deref(),
            body,
        )
    }

    /// Whether two lines are the same source in a merge.
    pub fn is(&self, other: &Member) -> bool {
        self.key() == other.key()
    }

    /// The line as far as [`Member::is`] reads it: without its body (but for a failure without
    /// a digest, known by it).
    pub fn identity(&self) -> Member {
        Member {
            name: self.name.clone(),
            size: self.size,
            modified: self.modified,
            digest: self.digest.clone(),
            format: None,
            records: 0,
            error: None,
            evidence: self.evidence.clone().filter(|_| self.digest.is_none()),
            inside: self.inside.clone(),
        }
    }

    /// The order in which the engine read them: each file dropped in turn, by name, and an
    /// archive's members as it was read.
    fn read_before(&self, other: &Member) -> std::cmp::Ordering {
        fn order(m: &Member) -> (&str, &[u32]) {
            match &m.inside {
                Some(inside) => (&inside.dropped, &inside.at),
                None => (&m.name, &[]),
            }
        }
        order(self)
            .cmp(&order(other))
            .then_with(|| self.key().cmp(&other.key()))
    }

    /// Of two members with one key, which is kept: one with a body, then the earliest time,
    /// then the least of the rest, so that the choice does not depend on the order of merging.
    fn rank(&self) -> impl Ord + '_ {
        (
            self.evidence.is_none(),
            self.modified.is_none(),
            self.modified,
            self.size,
            &self.evidence,
            &self.format,
            self.records,
            &self.error,
        )
    }

    pub fn digest(&self) -> Option<u64> {
        u64::from_str_radix(self.digest.as_deref()?, 16).ok()
    }

    pub fn modified(&self) -> Option<Timestamp> {
        self.modified.map(Timestamp)
    }

    /// Its body, decoded; `None` when it has none, `Some(Err)` when it is damaged.
    pub fn body(&self) -> Option<Result<Vec<u8>, ()>> {
        self.evidence.as_deref().map(base64::decode)
    }
}

impl Summary {
    /// The summary of these sources, in order and each once.
    pub fn of(members: impl IntoIterator<Item = Member>) -> Summary {
        let members: Vec<Member> = members.into_iter().collect();
        let order = sorted(&members, &|a, b| {
            a.key().cmp(&b.key()).then_with(|| a.rank().cmp(&b.rank()))
        });
        let mut slots: Vec<Option<Member>> = members.into_iter().map(Some).collect();
        let mut members: Vec<Member> = order.iter().filter_map(|&i| slots[i].take()).collect();
        members.dedup_by(|later, kept| later.key() == kept.key());
        Summary { members }
    }

    /// The members' places in the order the engine read them: each file dropped in turn, by
    /// name, and an archive's members as it was read.
    pub fn read_order(&self) -> Vec<usize> {
        sorted(&self.members, &Member::read_before)
    }

    pub fn members(&self) -> &[Member] {
        &self.members
    }

    pub fn into_members(self) -> Vec<Member> {
        self.members
    }

    /// The body of a member for its evidence: encoded in base64.
    pub fn body(encoded: &[u8]) -> String {
        base64::encode(encoded)
    }

    /// The file: a header, then a source a line.
    pub fn to_json(&self) -> String {
        let mut out = format!(
            "{{\"schema\":\"{SCHEMA}\",\"posture_version\":\"{VERSION}\",\"encoding\":{},\"sources\":[",
            wire::ENCODING
        );
        for (i, member) in self.members.iter().enumerate() {
            out.push_str(if i == 0 { "\n" } else { ",\n" });
            out.push_str(&serde_json::to_string(member).unwrap_or_default());
        }
        out.push_str("\n]}\n");
        out
    }

    /// Reads a summary that [`is_summary`] recognised; an error says why it cannot be read (a
    /// newer Posture's, an older encoding, damage), never gives a wrong number.
    pub fn parse(text: &str) -> Result<Summary, String> {
        let text = text.trim_start_matches('\u{feff}');
        Header::of(text).check()?;
        let file: serde_json::Value =
            serde_json::from_str(text).map_err(|e| format!("this summary is damaged: {e}"))?;
        let sources = file["sources"].as_array();
        let members = (sources.into_iter().flatten())
            .map(member_of)
            .collect::<Option<Vec<_>>>()
            .ok_or("this summary is damaged: a source is not as Posture writes it")?;
        Ok(Summary::of(members))
    }
}

/// A source's line, each field of the type Posture writes (a hand edit that changes one is
/// damage, not a default), and its time within the years a file can write.
fn member_of(m: &serde_json::Value) -> Option<Member> {
    use serde_json::Value;
    /// Some(None) when absent or null, None when of another type.
    fn text(v: &Value) -> Option<Option<String>> {
        match v {
            Value::Null => Some(None),
            Value::String(s) => Some(Some(s.clone())),
            _ => None,
        }
    }
    let modified = match &m["modified"] {
        Value::Null => None,
        v => Some(v.as_i64().filter(|t| Timestamp(*t).in_range())?),
    };
    let inside = match &m["inside"] {
        Value::Null => None,
        inside => Some(Inside {
            dropped: text(&inside["dropped"])??,
            at: (inside["at"].as_array()?.iter())
                .map(|n| u32::try_from(n.as_u64()?).ok())
                .collect::<Option<_>>()?,
        }),
    };
    Some(Member {
        name: text(&m["name"])??,
        size: m["size"].as_u64()?,
        modified,
        digest: text(&m["digest"])?,
        format: text(&m["format"])?,
        records: match &m["records"] {
            Value::Null => 0,
            v => v.as_u64()?,
        },
        error: text(&m["error"])?,
        evidence: text(&m["evidence"])?,
        inside,
    })
}

/// The places of `members` in the order `cmp` gives, ties in their order. A merge sort by hand,
/// and one for every order: the standard library's sorts are kilobytes of the worker's code
/// each.
fn sorted(members: &[Member], cmp: &dyn Fn(&Member, &Member) -> std::cmp::Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..members.len()).collect();
    let mut merged = Vec::with_capacity(order.len());
    let mut width = 1;
    while width < order.len() {
        merged.clear();
        for start in (0..order.len()).step_by(2 * width) {
            let middle = (start + width).min(order.len());
            let end = (start + 2 * width).min(order.len());
            let (mut left, mut right) = (start, middle);
            while left < middle && right < end {
                if cmp(&members[order[right]], &members[order[left]]).is_lt() {
                    merged.push(order[right]);
                    right += 1;
                } else {
                    merged.push(order[left]);
                    left += 1;
                }
            }
            merged.extend_from_slice(&order[left..middle]);
            merged.extend_from_slice(&order[right..end]);
        }
        std::mem::swap(&mut order, &mut merged);
        width *= 2;
    }
    order
}

/// Merging: the union of the sources.
impl std::ops::Add for Summary {
    type Output = Summary;

    fn add(self, other: Summary) -> Summary {
        Summary::of(self.members.into_iter().chain(other.members))
    }
}

impl std::iter::Sum for Summary {
    fn sum<I: Iterator<Item = Summary>>(summaries: I) -> Summary {
        Summary::of(summaries.flat_map(|s| s.members))
    }
}

/// Whether a file is a summary (of this version or another): a JSON object whose first key is
/// its schema, as [`Summary::to_json`] writes it.
pub fn is_summary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(64)];
    let text = String::from_utf8_lossy(head);
    let text = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    let Some(rest) = text.strip_prefix('{') else {
        return false;
    };
    let rest = rest.trim_start();
    rest.strip_prefix("\"schema\"")
        .map(|r| r.trim_start().trim_start_matches(':').trim_start())
        .is_some_and(|r| r.starts_with(&format!("\"{SCHEMA_FAMILY}")))
}

/// What a summary's first line says of its version. Read by hand, before the rest: a newer
/// summary may not have the shape this Posture reads.
struct Header {
    schema: String,
    posture_version: String,
    encoding: u32,
}

impl Header {
    fn of(text: &str) -> Header {
        // The first few KiB, cut where a character ends.
        let mut end = text.len().min(4096);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let head = &text[..end];
        let head = &head[..head.find("\"sources\"").unwrap_or(head.len())];
        let after = |key: &str| -> &str {
            let Some(at) = head.find(&format!("\"{key}\"")) else {
                return "";
            };
            head[at + key.len() + 2..]
                .trim_start()
                .trim_start_matches(':')
                .trim_start()
        };
        let quoted = |value: &str| -> String {
            let value = value.strip_prefix('"').unwrap_or("");
            value[..value.find('"').unwrap_or(0)].to_string()
        };
        let digits = |value: &str| -> u32 {
            let end = value
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(value.len());
            value[..end].parse().unwrap_or(0)
        };
        Header {
            schema: quoted(after("schema")),
            posture_version: quoted(after("posture_version")),
            encoding: digits(after("encoding")),
        }
    }

    fn check(&self) -> Result<(), String> {
        if self.schema == SCHEMA && self.encoding == wire::ENCODING {
            return Ok(());
        }
        let made_by = match self.posture_version.as_str() {
            "" => "another version of Posture".to_string(),
            v => format!("Posture {v}"),
        };
        let newer_schema = self
            .schema
            .strip_prefix(SCHEMA_FAMILY)
            .and_then(|v| v.strip_prefix('v'))
            .and_then(|v| v.parse::<u32>().ok())
            .is_some_and(|v| v > 1);
        if newer_schema || self.encoding > wire::ENCODING || newer(&self.posture_version) {
            Err(format!(
                "this summary was made by {made_by}, newer than this one ({VERSION}): read it \
                 with that version or a later one"
            ))
        } else {
            Err(format!(
                "this summary was made by {made_by}, whose summaries this one ({VERSION}) cannot \
                 read: summarize the files again with this version"
            ))
        }
    }
}

/// Whether a version (`1.2.3`) is later than this build's.
fn newer(version: &str) -> bool {
    let parts = |v: &str| -> Vec<u64> {
        v.split(['.', '-', '+'])
            .map_while(|p| p.parse().ok())
            .collect()
    };
    parts(version) > parts(VERSION)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_are_told_by_their_first_key() {
        assert!(is_summary(
            b"{\"schema\":\"posture.summary.v1\",\"sources\":[]}"
        ));
        assert!(is_summary(b" \n{ \"schema\" : \"posture.summary.v7\"}"));
        assert!(!is_summary(b"{\"schema\":\"posture.scorecard.v1\"}"));
        assert!(!is_summary(
            b"{\"sources\":[],\"schema\":\"posture.summary.v1\"}"
        ));
        assert!(!is_summary(b"[]"));
    }

    #[test]
    fn the_merge_sort_sorts_and_keeps_ties_in_order() {
        let member = |name: &str, size: u64| Member {
            name: name.into(),
            size,
            modified: None,
            digest: None,
            format: None,
            records: 0,
            error: None,
            evidence: None,
            inside: None,
        };
        for n in 0..40u64 {
            let members: Vec<Member> = (0..n)
                .map(|i| member(&format!("{}", (i * 7919) % 13), i))
                .collect();
            let order = sorted(&members, &|a, b| a.name.cmp(&b.name));
            let mut expected: Vec<usize> = (0..members.len()).collect();
            expected.sort_by(|&a, &b| members[a].name.cmp(&members[b].name));
            assert_eq!(order, expected, "{n}");
        }
    }

    #[test]
    fn versions_compare_by_number() {
        assert!(newer("999.0.0"));
        assert!(!newer("0.0.1"));
        assert!(!newer(VERSION));
    }
}
