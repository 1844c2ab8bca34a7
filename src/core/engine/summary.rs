//! Summaries in and out (`core::summary`): the sources as a `posture.summary.v1`, and a dropped
//! summary's sources read back as if their files were dropped again, in its order.

use super::{Engine, Outcome, Source};
use crate::core::diagnostics::{ErrorKind, FileError};
use crate::core::formats::Carried;
use crate::core::model::Evidence;
use crate::core::protocol::{FileMeta, Response};
use crate::core::summary::{Inside, Member, Summary};
use crate::core::wire;

impl Engine {
    /// The loaded sources as their files said them: the names and decisions given here are
    /// settings, not evidence, and come back at the next analysis.
    pub fn summary(&mut self) -> Summary {
        for source in &mut self.sources {
            as_reported(source);
        }
        self.changed();
        Summary::of(self.sources.iter().filter_map(member))
    }

    /// A summary's sources replace its row, each read from its body as a file's parse is. The
    /// sources of summaries dropped before are merged with it and read again, so that summaries
    /// dropped together, or one after another, count as their merge does.
    pub(super) fn ingest_summary(&mut self, id: u32, text: &str) -> Vec<Response> {
        match Summary::parse(text) {
            Ok(summary) => self.read_summary(id, summary),
            Err(message) => self.unreadable(id, message),
        }
    }

    /// A summary already read (the command merges the summaries it is given first) in place of
    /// the queued row `id`, as [`Engine::ingest`] reads a summary's file.
    pub fn read_summary(&mut self, id: u32, summary: Summary) -> Vec<Response> {
        if summary.members().is_empty() {
            return self.unreadable(id, "the summary holds no files".into());
        }
        let Some(index) = self.sources.iter().position(|s| s.id == id) else {
            return Vec::new();
        };
        self.sources.remove(index);
        let mut responses = vec![Response::Removed(id)];
        // Kept as read, not written again from the evidence: the page's worker carries no
        // summary writer.
        let mut earlier = Vec::new();
        // What else of them stays: times set by hand, and which plain copies they speak for.
        // In the merge's order, as they were listed (and numbered).
        let mut kept = Vec::new();
        for source in self.sources.extract_if(.., |s| s.summarised.is_some()) {
            responses.push(Response::Removed(source.id));
            if let Some(member) = source.summarised {
                kept.push((member.identity(), source.id, source.corrected));
                earlier.push(*member);
            }
        }
        let summary = Summary::of(earlier) + summary;
        let members = summary.members();
        // Listed in the summary's order, then read in the order they were read where they were
        // summarised (an archive's members as it is read, before the files listed after it).
        let first = self.next_id;
        responses.push(
            self.queue(
                (members.iter())
                    .map(|m| FileMeta {
                        name: m.name.clone(),
                        size: m.size,
                        last_modified: m.modified,
                    })
                    .collect(),
            ),
        );
        let queued = self.sources.len() - members.len();
        for (source, member) in self.sources[queued..].iter_mut().zip(members) {
            source.inside.clone_from(&member.inside);
        }
        for i in summary.read_order() {
            responses.extend(self.ingest_member(first + i as u32, &members[i], members));
        }
        // Reading adds no source and takes none away: the members are the queued rows' still.
        // The kept lines come up in the same order: one walk pairs them with their new rows.
        let mut kept = kept.into_iter().peekable();
        let mut moved = Vec::new();
        for (source, member) in self.sources[queued..]
            .iter_mut()
            .zip(summary.into_members())
        {
            if let Some((_, old, corrected)) = kept.next_if(|(line, ..)| line.is(&member)) {
                source.corrected = corrected;
                moved.push((old, source.id));
            }
            source.summarised = Some(Box::new(member));
        }
        // A plain file counted through one of them is counted through it under its new id
        // (`moved` is in the order of the old ids).
        for source in &mut self.sources {
            if let Outcome::Duplicate { of, .. } = &mut source.outcome
                && let Ok(at) = moved.binary_search_by_key(of, |(old, _)| *old)
            {
                *of = moved[at].1;
            }
        }
        responses
    }

    fn ingest_member(&mut self, id: u32, member: &Member, all: &[Member]) -> Vec<Response> {
        // A copy of content another source holds has no body of its own: that source's body
        // is its content's parse (used only when the copy comes first, as it may in an archive).
        let body = member.body().or_else(|| {
            all.iter()
                .find(|m| m.digest.is_some() && m.digest == member.digest && m.evidence.is_some())
                .and_then(Member::body)
        });
        let damaged = || FileError {
            file: member.name.clone(),
            format: None,
            kind: ErrorKind::Unsupported {
                detail: "this source of the summary is damaged: summarize its files again".into(),
            },
            location: Default::default(),
        };
        let Some(body) = body else {
            // Its content was another source's, removed since: a copy of a file still loaded
            // counts there, else it is said.
            return match (
                member.digest(),
                self.sources.iter().position(|s| s.id == id),
            ) {
                (Some(digest), Some(index)) => {
                    let row = self.settle(index, digest, member.size, || {
                        Err(Box::new(FileError {
                            kind: ErrorKind::Unsupported {
                                detail: "its content was in a source removed since: \
                                         summarize its files again"
                                    .into(),
                            },
                            ..damaged()
                        }))
                    });
                    vec![Response::Source(Box::new(row))]
                }
                _ => vec![Response::Source(Box::new(self.fail_with(
                    id,
                    damaged(),
                    None,
                )))],
            };
        };
        let outcome = body.ok().and_then(|b| wire::decode_outcome(&b));
        match (outcome, member.digest()) {
            (Some(Ok(parsed)), Some(digest)) => {
                let carried = Carried {
                    parsed,
                    digest,
                    size: member.size,
                };
                self.ingest_carried(id, carried, 0)
            }
            (Some(Err(error)), digest) => vec![Response::Source(Box::new(
                self.fail_with(id, error, digest),
            ))],
            _ => vec![Response::Source(Box::new(self.fail_with(
                id,
                damaged(),
                None,
            )))],
        }
    }

    /// The source queued last is the member `at` of `container` (an archive).
    pub(super) fn place_inside(&mut self, container: &Source, at: usize) {
        let inside = match &container.inside {
            Some(outer) => Inside {
                dropped: outer.dropped.clone(),
                at: outer.at.iter().copied().chain([at as u32]).collect(),
            },
            None => Inside {
                dropped: container.name.clone(),
                at: vec![at as u32],
            },
        };
        if let Some(source) = self.sources.last_mut() {
            source.inside = Some(inside);
        }
    }
}

/// The evidence as the file gave it: the asset's name from the file, no decision applied.
fn as_reported(source: &mut Source) {
    let Outcome::Loaded { evidence, .. } = &mut source.outcome else {
        return;
    };
    let asset = match &mut **evidence {
        Evidence::Findings(snapshot) => {
            for finding in &mut snapshot.findings {
                finding.status = finding.reported;
                finding.decision = None;
            }
            &mut snapshot.asset
        }
        Evidence::Events(log) => &mut log.source,
        _ => return,
    };
    if let Some(reported) = &source.reported {
        asset.name.clone_from(reported);
    }
}

fn member(source: &Source) -> Option<Member> {
    let (format, records, error, body) = match &source.outcome {
        Outcome::Pending => return None,
        Outcome::Loaded { evidence, warnings } => (
            Some(evidence.format()),
            evidence.records(),
            None,
            wire::encode_outcome(Ok((evidence, warnings))),
        ),
        Outcome::Failed(error) => (
            error.format,
            0,
            Some(error.message()),
            wire::encode_outcome(Err(error)),
        ),
        // Its content is the body of the source it copies.
        Outcome::Duplicate { .. } => (None, 0, None, None),
    };
    Some(Member {
        name: source.name.clone(),
        size: source.size,
        modified: source.modified.map(|t| t.0),
        digest: source.digest.map(|d| format!("{d:016x}")),
        format: format.map(String::from),
        records,
        error,
        evidence: body.map(|b| Summary::body(&b)),
        inside: source.inside.clone(),
    })
}
