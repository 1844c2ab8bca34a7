//! The engine's triage decisions: made on the explorer's findings, taken back, kept by the page,
//! exported, and applied to every snapshot before an analysis.

use super::{Engine, Outcome, Source, day_start};
use crate::core::explorer;
use crate::core::model::{AssetKind, Category, Decision, Evidence, Fingerprint, Target, Triage};
use crate::core::present::{self, triage as shown};
use crate::core::protocol::{DecideRequest, DecisionsView, Response};
use crate::core::time::{MS_PER_DAY, Timestamp};
use crate::core::triage::{self, Decisions, file::About};

/// Findings one request may mark: a filter matching a million is a mistake, not a triage.
pub const MAX_MARKED: usize = 10_000;

impl Engine {
    /// Applies the decisions in force at `now` to every loaded snapshot, and counts what each
    /// covers. Skipped while no decision was ever in force (a million findings cost a pass).
    pub(super) fn apply_decisions(&mut self, now: Timestamp) {
        // Copies of the files' decisions (a few hundred at most, not the findings): the
        // sources they live in are changed below.
        let from_files: Vec<Decision> = self
            .sources
            .iter()
            .filter_map(|s| match &s.outcome {
                Outcome::Loaded { evidence, .. } => evidence.decisions(),
                _ => None,
            })
            .flat_map(|log| log.decisions.iter().cloned())
            .collect();
        let all: Vec<&Decision> = self
            .made
            .iter()
            .map(|(d, _)| d)
            .chain(&from_files)
            .collect();
        let decisions = Decisions::new(&all, now);
        if decisions.is_empty() && !self.decided_any {
            self.covered = vec![0; all.len()];
            return;
        }
        self.decided_any = !decisions.is_empty();
        let (settings, group) = (&self.settings, self.group.as_deref());
        let snapshots = self.sources.iter_mut().filter_map(|s| {
            let Source {
                outcome, reported, ..
            } = s;
            // Counted for the group in view, as every number is.
            let counted = settings.in_view(reported.as_deref(), group);
            let reported = reported.as_deref().unwrap_or_default();
            match outcome {
                Outcome::Loaded { evidence, .. } => match &mut **evidence {
                    Evidence::Findings(snapshot) => Some((snapshot, reported, counted)),
                    _ => None,
                },
                _ => None,
            }
        });
        self.covered = decisions.apply(snapshots).covered;
    }

    /// Marks the findings a request names; nothing changes when it cannot be done.
    pub(super) fn decide(&mut self, request: DecideRequest, now: Timestamp) -> Vec<Response> {
        match self.decisions_for(&request, now) {
            Ok(made) => {
                let count = made.len();
                let label = made.first().map_or("", |(d, _)| d.triage.label());
                self.made.extend(made);
                self.changed();
                self.decisions_answer(
                    Some(format!(
                        "Marked {} as {label}",
                        present::plural(count as u64, "finding", "findings")
                    )),
                    None,
                    now,
                )
            }
            Err(error) => vec![
                Response::Decisions(Box::new(self.decisions_view(None, Some(error), now))),
                Response::Idle,
            ],
        }
    }

    fn decisions_for(
        &mut self,
        request: &DecideRequest,
        now: Timestamp,
    ) -> Result<Vec<(Decision, About)>, String> {
        let triage = match Triage::from_id(request.triage.trim()) {
            Some(t) => t,
            None => return Err("choose accepted risk or false positive".into()),
        };
        let reason = request.reason.trim();
        if reason.is_empty() {
            return Err(
                "say why: the reason is what a reader of the scorecard and of the exported file \
                 goes by"
                    .into(),
            );
        }
        let expires = match request.expires.trim() {
            "" => None,
            day => {
                // The last day it holds is included whole.
                let Some(start) = day_start(day) else {
                    return Err(format!("the expiry \"{day}\" is not a date"));
                };
                let end = Timestamp(start.0 + MS_PER_DAY);
                if end <= now {
                    return Err(format!("the expiry {} has passed", start.date_text()));
                }
                Some(end)
            }
        };
        let selection = self.selection(&request.query, now).to_vec();
        let chosen: Vec<u32> = match request.row {
            Some(row) => match selection.get(row as usize) {
                Some(&i) => vec![i],
                None => return Err("that finding is no longer in the view".into()),
            },
            None => selection,
        };
        let records = self.records.as_deref().unwrap_or_default();
        let mut made = Vec::new();
        let mut not_open = 0;
        let mut checks = 0;
        for &i in &chosen {
            let Some(record) = records.get(i as usize) else {
                continue;
            };
            let Some((finding, _)) = explorer::located(&self.sources, record) else {
                continue;
            };
            // Decisions name the asset as Posture named it from the files: a rename keeps them.
            let asset = self.sources[record.source as usize]
                .reported
                .clone()
                .unwrap_or_default();
            // Only what counts against the KPIs can be left out of them.
            if finding.reported != crate::core::model::Status::Open || finding.decision.is_some() {
                not_open += 1;
                continue;
            }
            // Compliance and policy KPIs count the tools' own totals of checks, which a
            // decision here could not change: they are decided in the tool.
            if matches!(finding.category, Category::Compliance | Category::Policy) {
                checks += 1;
                continue;
            }
            if made.len() == MAX_MARKED {
                return Err(format!(
                    "more than {} open findings match: narrow the filters first",
                    present::grouped(MAX_MARKED as u64)
                ));
            }
            let decision = Decision {
                target: Target {
                    category: Some(finding.category),
                    rules: vec![finding.rule_id.to_string()],
                    packages: finding.package.iter().map(|p| p.name.to_string()).collect(),
                    assets: vec![asset],
                    fingerprint: Some(finding.fingerprint.0),
                    exact_assets: true,
                },
                triage,
                reason: reason.to_string(),
                expires,
                decided_at: Some(now),
                author: String::new(),
            };
            let about = About {
                title: finding.title.to_string(),
                location: finding.location.to_string(),
            };
            made.push((decision, about));
        }
        if made.is_empty() {
            return Err(if checks > 0 {
                "compliance and policy checks count as their tools total them: decide them in \
                 the tool (a Kyverno PolicyException, a Gatekeeper exemption, a kube-bench skip, a \
                 Security Hub suppression)"
                    .into()
            } else if not_open > 0 {
                "only open findings can be marked: these are fixed, passed, suppressed by their \
                 tool or already decided"
                    .into()
            } else {
                "no finding matches".into()
            });
        }
        Ok(made)
    }

    pub(super) fn undecide(&mut self, index: u32, now: Timestamp) -> Vec<Response> {
        let done = (index as usize) < self.made.len();
        if done {
            self.made.remove(index as usize);
            self.changed();
        }
        self.decisions_answer(done.then(|| "Decision taken back".into()), None, now)
    }

    pub(super) fn clear_decisions(&mut self, now: Timestamp) -> Vec<Response> {
        let count = self.made.len() as u64;
        self.made.clear();
        self.changed();
        self.decisions_answer(
            Some(format!(
                "Forgot {} made here",
                present::plural(count, "decision", "decisions")
            )),
            None,
            now,
        )
    }

    /// The decisions the page kept; when they cannot be read, none apply and the page is told
    /// why (it keeps its copy: nothing is overwritten).
    pub(super) fn restore_decisions(&mut self, text: &str, now: Timestamp) -> Vec<Response> {
        match triage::file::read(text) {
            Ok((made, _)) => {
                self.made = made;
                self.changed();
                self.decisions_answer(None, None, now)
            }
            Err(e) => vec![
                Response::Decisions(Box::new(self.decisions_view(
                    None,
                    Some(format!(
                        "the decisions saved in this browser cannot be used: {e}"
                    )),
                    now,
                ))),
                Response::Idle,
            ],
        }
    }

    /// The decisions made here as files: vulnerabilities as OpenVEX, the rest as
    /// `posture.decisions.v1`.
    pub(super) fn export_decisions(&mut self, now: Timestamp) -> Vec<Response> {
        // OpenVEX names a vulnerability in a product: one on a single Kubernetes workload (its
        // identity has a scope) would grow to the whole cluster there, so it goes in Posture's
        // own file with its identity, as the other categories do.
        let whole_asset = |d: &Decision| {
            d.target.category == Some(Category::Vulnerability)
                && d.target.fingerprint.is_none_or(|f| {
                    let package = d.target.packages.first().map_or("", String::as_str);
                    Fingerprint::vulnerability(
                        "",
                        d.target.rules.iter().map(String::as_str),
                        package,
                    )
                    .0 == f
                })
        };
        let (vulnerabilities, others): (Vec<_>, Vec<_>) =
            self.made.iter().partition(|(d, _)| whole_asset(d));
        let images: Vec<&str> = self
            .sources
            .iter()
            .filter_map(|s| match (&s.outcome, &s.reported) {
                (Outcome::Loaded { evidence, .. }, Some(reported)) => evidence
                    .snapshot()
                    .filter(|snap| snap.asset.kind == AssetKind::ContainerImage)
                    .map(|_| reported.as_str()),
                _ => None,
            })
            .collect();
        let mut responses = Vec::new();
        let day = now.day();
        if !vulnerabilities.is_empty() {
            let decisions: Vec<&Decision> = vulnerabilities.iter().map(|(d, _)| d).collect();
            responses.push(Response::Export {
                file_name: format!("posture-decisions-{day}.openvex.json"),
                mime: "application/json".into(),
                content: triage::openvex::write(&decisions, &images, now),
            });
        }
        if !others.is_empty() {
            responses.push(Response::Export {
                file_name: format!("posture-decisions-{day}.json"),
                mime: "application/json".into(),
                content: triage::file::write(others, now),
            });
        }
        if responses.is_empty() {
            responses.push(Response::Decisions(Box::new(self.decisions_view(
                None,
                Some("no decision has been made here to export".into()),
                now,
            ))));
        }
        responses.push(Response::Idle);
        responses
    }

    /// The decisions view after a change, with the view that follows from it.
    fn decisions_answer(
        &mut self,
        done: Option<String>,
        error: Option<String>,
        now: Timestamp,
    ) -> Vec<Response> {
        let view = self.view(now);
        let save = error.is_none() && done.is_some();
        let decisions = DecisionsView {
            save,
            ..self.decisions_view(done, error, now)
        };
        vec![
            Response::Decisions(Box::new(decisions)),
            Response::View(Box::new(view)),
            Response::Idle,
        ]
    }

    /// The decisions view after files came or went (a VEX dropped or removed), with what each
    /// covers now; follows a view.
    pub(super) fn decisions_response(&self, now: Timestamp) -> Response {
        Response::Decisions(Box::new(self.decisions_view(None, None, now)))
    }

    /// What the explorer shows of the decisions: made here first, then those of files, each
    /// with the findings it leaves out as of the last analysis.
    pub fn decisions_view(
        &self,
        done: Option<String>,
        error: Option<String>,
        now: Timestamp,
    ) -> DecisionsView {
        let mut rows = Vec::new();
        for (i, (decision, _)) in self.made.iter().enumerate() {
            let origin = match decision.decided_at {
                Some(at) => format!("made here, {}", at.date_text()),
                None => "made here".into(),
            };
            rows.push(shown::row(decision, Some(i as u32), origin, now));
        }
        for source in &self.sources {
            if let Outcome::Loaded { evidence, .. } = &source.outcome
                && let Some(log) = evidence.decisions()
            {
                for decision in &log.decisions {
                    rows.push(shown::row(decision, None, source.name.clone(), now));
                }
            }
        }
        for (row, covered) in rows.iter_mut().zip(&self.covered) {
            row.covered = *covered;
        }
        DecisionsView {
            summary_text: shown::summary(&rows),
            rows,
            saved_json: triage::file::write(&self.made, now),
            save: false,
            error,
            done_text: done,
        }
    }
}
