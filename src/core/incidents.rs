//! Every loaded incident record, merged: one incident per tracker and id, the latest record
//! winning. A Sentinel export has one row per change, and an incident exported last week and
//! again today is one incident, as it stands today.

use super::evidence::Window;
use super::hash::FxHashMap;
use super::model::{Incident, IncidentLog, Verdict};

/// One loaded incident file and its name.
#[derive(Clone, Copy, Debug)]
pub struct IncidentItem<'a> {
    pub name: &'a str,
    pub log: &'a IncidentLog,
}

pub struct Incidents<'a> {
    pub files: &'a [IncidentItem<'a>],
    /// One per tracker and id, in load order of first appearance.
    pub all: Vec<&'a Incident>,
    /// Older records of an incident that a newer one replaced.
    pub superseded: usize,
}

impl<'a> Incidents<'a> {
    pub fn new(files: &'a [IncidentItem<'a>]) -> Incidents<'a> {
        let mut index: FxHashMap<(&str, &str), usize> = FxHashMap::default();
        let mut all: Vec<&Incident> = Vec::new();
        let mut superseded = 0;
        for item in files {
            for incident in &item.log.incidents {
                match index.get(&(item.log.system, &*incident.id)) {
                    None => {
                        index.insert((item.log.system, &incident.id), all.len());
                        all.push(incident);
                    }
                    Some(&at) => {
                        superseded += 1;
                        // The record written last wins; when either does not say when it was
                        // written (or both say the same), the later file does: it was exported
                        // later. So a reopened incident in this week's export is open.
                        let older = match (incident.updated, all[at].updated) {
                            (Some(new), Some(old)) => new < old,
                            _ => false,
                        };
                        if !older {
                            all[at] = incident;
                        }
                    }
                }
            }
        }
        Incidents {
            files,
            all,
            superseded,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Incidents raised (alerted) in a window: the population every incident KPI counts over.
    pub fn alerted_in(&self, window: Window) -> impl Iterator<Item = &'a Incident> + '_ {
        self.all
            .iter()
            .copied()
            .filter(move |i| i.alert_time.is_some_and(|t| window.contains(t)))
    }

    /// Incidents that count as incidents: not false alarms, not duplicates.
    pub fn real_in(&self, window: Window) -> impl Iterator<Item = &'a Incident> + '_ {
        self.alerted_in(window)
            .filter(|i| !matches!(i.verdict, Verdict::FalsePositive | Verdict::Duplicate))
    }

    /// Incidents with no alert time: no window holds them.
    pub fn untimed(&self) -> usize {
        self.all.iter().filter(|i| i.alert_time.is_none()).count()
    }

    pub fn inputs(&self) -> Vec<String> {
        self.files.iter().map(|f| f.name.to_string()).collect()
    }

    /// The earliest and latest alert times: what the records cover, as far as they say.
    pub fn alert_span(&self) -> Option<Window> {
        let times = self.all.iter().filter_map(|i| i.alert_time);
        let from = times.clone().min()?;
        let to = times.max()?;
        Some(Window { from, to })
    }

    /// The earliest and latest times any incident mentions.
    pub fn span(&self) -> Option<Window> {
        let times = self.all.iter().flat_map(|i| {
            [
                i.event_time,
                i.alert_time,
                i.contained_time,
                i.resolved_time,
            ]
            .into_iter()
            .flatten()
        });
        let from = times.clone().min()?;
        let to = times.max()?;
        Some(Window { from, to })
    }
}
