//! One evaluation of everything loaded, for the selected period: every KPI (and each one in the
//! previous period and week by week, for deltas and trends), the metrics, vulnerabilities over
//! time, and the findings the explorer serves. Computed once per change; every request reads it.

use std::cell::RefCell;
use std::rc::Rc;

use super::activity::Activity;
use super::engine::{Outcome, Source};
use super::events::{Events, LogItem};
use super::evidence::{self, Current, Item, Period, PeriodChoice, Window};
use super::explorer::{self, Record};
use super::history::History;
use super::incidents::{IncidentItem, Incidents};
use super::kpi::{self, Context, KpiResult, Overall};
use super::metrics::Metrics;
use super::model::{Category, Evidence, Inventory, Measurements};
use super::present;
use super::protocol::Section;
use super::settings::Settings;
use super::time::{MS_PER_DAY, Timestamp};
use super::vulntime::VulnTime;

/// What one evaluation of the loaded evidence found.
#[derive(Clone, Debug)]
pub struct Analysis {
    /// The clock time it was computed at.
    pub now: Timestamp,
    pub choice: PeriodChoice,
    /// Evidence older than this is stale, for all data (a setting).
    pub stale_after_days: f64,
    /// The selected period; for all data, the span of the data.
    pub period: Period,
    pub kpis: Vec<KpiResult>,
    pub overall: Overall,
    /// The same in the period of the same length before, when the period is bounded.
    pub previous: Option<Previous>,
    /// Each KPI week by week over the period, in `kpi::KPIS` order.
    pub trend: Trend,
    /// Shared with other periods whose end state is the same ([`Speaking`]).
    pub metrics: Rc<Metrics>,
    /// The snapshots that speak at the period's end: all the metrics depend on.
    pub speaking: Speaking,
    pub activity: Activity,
    pub vulns: VulnTime,
    /// Role assumptions in one day above which a principal is flagged (a setting).
    pub role_threshold: u64,
    /// The metrics view's compliance section, and its metrics CSV section, when loaded.
    pub compliance: Option<Section>,
    pub measurements: Option<Section>,
}

impl Analysis {
    /// KPI `k`'s value in the previous period of the same length; none for all data.
    pub fn previous_value(&self, k: usize) -> Option<f64> {
        self.previous.as_ref()?.kpis.get(k)?.measure.value
    }
}

#[derive(Clone, Debug)]
pub struct Previous {
    pub period: Period,
    pub kpis: Vec<KpiResult>,
    pub overall: Overall,
}

#[derive(Clone, Debug, Default)]
pub struct Trend {
    /// The last instant of each week.
    pub weeks: Vec<Timestamp>,
    /// `values[k][w]`: KPI `k` over week `w`.
    pub values: Vec<Vec<Option<f64>>>,
}

/// For each category, the snapshots that speak for it (`Current::selected`).
pub type Speaking = [Vec<usize>; 6];

/// Weeks a trend line shows at most: half a year.
const TREND_WEEKS: i64 = 26;

/// The loaded evidence, by kind, borrowed from the sources.
struct Loaded<'a> {
    items: Vec<Item<'a>>,
    /// For each item, its index in the sources.
    item_source: Vec<usize>,
    logs: Vec<LogItem<'a>>,
    incident_files: Vec<IncidentItem<'a>>,
    inventory: Option<&'a Inventory>,
    measured: Vec<&'a Measurements>,
    /// When each file's evidence is from, and whether that is only its modification time.
    times: kpi::FileTimes<'a>,
}

impl<'a> Loaded<'a> {
    /// The evidence of the sources in `group` (all when `None`): snapshots and logs by their
    /// asset's group; incidents, measurements, inventories and decisions belong to no asset and
    /// are always in.
    fn of(sources: &'a [Source], settings: &Settings, group: Option<&str>) -> Loaded<'a> {
        let mut loaded = Loaded {
            items: Vec::new(),
            item_source: Vec::new(),
            logs: Vec::new(),
            incident_files: Vec::new(),
            inventory: None,
            measured: Vec::new(),
            times: Default::default(),
        };
        let mut snapshots = Vec::new();
        let mut asset_ids: crate::core::hash::FxHashMap<_, u32> = Default::default();
        for (index, source) in sources.iter().enumerate() {
            let Outcome::Loaded { evidence, .. } = &source.outcome else {
                continue;
            };
            let asset_bound = matches!(&**evidence, Evidence::Findings(_) | Evidence::Events(_));
            if asset_bound && !settings.in_view(source.reported.as_deref(), group) {
                continue;
            }
            let name = source.name.as_str();
            let series = match &**evidence {
                Evidence::Findings(snapshot) => {
                    let next = asset_ids.len() as u32;
                    Some(*asset_ids.entry(&snapshot.asset).or_insert(next))
                }
                _ => None,
            };
            if let Some(at) = source.taken_at() {
                loaded
                    .times
                    .insert(name, (at, source.time_guessed(), series));
            }
            match &**evidence {
                Evidence::Findings(snapshot) => {
                    snapshots.push((name, snapshot, source.taken_at()));
                    loaded.item_source.push(index);
                }
                Evidence::Events(log) => loaded.logs.push(LogItem { name, log }),
                Evidence::Incidents(log) => loaded.incident_files.push(IncidentItem { name, log }),
                Evidence::Measurements(m) => loaded.measured.push(m),
                // The last loaded speaks.
                Evidence::Inventory(i) => loaded.inventory = Some(i),
                // Applied to the findings by the engine, before any analysis.
                Evidence::Decisions(_) => {}
            }
        }
        loaded.items = evidence::items(snapshots);
        loaded
    }
}

/// The state at a period's end: what depends on the end alone, so that periods ending at the
/// same instant (the one shown and the last week of its trend) share it.
struct State<'a> {
    /// The period's end, and whether it is bounded at all.
    end: (Option<Timestamp>, bool),
    current: Current<'a>,
    vulnerabilities: History<'a>,
    secrets: History<'a>,
}

impl<'a> State<'a> {
    fn at(items: &'a [Item<'a>], period: Period) -> State<'a> {
        State {
            end: (period.to, period.is_bounded()),
            current: Current::new(items, period),
            vulnerabilities: History::new(items, Category::Vulnerability, period),
            secrets: History::new(items, Category::Secret, period),
        }
    }
}

/// Everything a period's evaluation shares with the others: the evidence, merged.
struct Base<'a> {
    loaded: &'a Loaded<'a>,
    events: Events<'a>,
    incidents: Incidents<'a>,
    /// The span of all the evidence: snapshot times, log records, incident times.
    span: Option<Window>,
    settings: &'a Settings,
    now: Timestamp,
    /// The first period's state, kept for the whole evaluation, and the last other one.
    states: RefCell<Vec<Rc<State<'a>>>>,
}

impl<'a> Base<'a> {
    fn of(loaded: &'a Loaded<'a>, settings: &'a Settings, now: Timestamp) -> Base<'a> {
        let events = Events::new(&loaded.logs);
        let incidents = Incidents::new(&loaded.incident_files);
        let span = loaded
            .items
            .iter()
            .filter_map(|i| i.taken_at)
            .map(|t| Window { from: t, to: t })
            .chain(loaded.logs.iter().filter_map(|l| {
                Some(Window {
                    from: l.log.first?,
                    to: l.log.last?,
                })
            }))
            .chain(incidents.span())
            .reduce(Window::union);
        Base {
            loaded,
            events,
            incidents,
            span,
            settings,
            now,
            states: RefCell::default(),
        }
    }

    fn state(&self, period: Period) -> Rc<State<'a>> {
        let end = (period.to, period.is_bounded());
        let mut states = self.states.borrow_mut();
        if let Some(state) = states.iter().find(|s| s.end == end) {
            return Rc::clone(state);
        }
        let state = Rc::new(State::at(&self.loaded.items, period));
        if states.len() == 2 {
            states.pop();
        }
        states.push(Rc::clone(&state));
        state
    }
}

impl Base<'_> {
    /// Calls `f` with the context of one period.
    fn with<R>(&self, choice: PeriodChoice, f: impl FnOnce(&Context) -> R) -> R {
        let items = &self.loaded.items;
        let period = choice.resolve(self.now);
        let state = self.state(period);
        f(&Context {
            now: self.now,
            items,
            current: &state.current,
            period,
            window: choice.window(self.now, self.span),
            choice,
            events: &self.events,
            incidents: &self.incidents,
            inventory: self.loaded.inventory,
            settings: self.settings,
            vulnerabilities: &state.vulnerabilities,
            secrets: &state.secrets,
        })
    }

    /// Each KPI over each week of the window (the latest `TREND_WEEKS`); none for a window
    /// shorter than two weeks.
    fn trend(&self, window: Option<Window>) -> Trend {
        let week = 7 * MS_PER_DAY;
        let Some(window) = window.filter(|w| w.to.0 - w.from.0 >= 2 * week) else {
            return Trend::default();
        };
        let count = ((window.to.0 - window.from.0) / week).min(TREND_WEEKS);
        let weeks: Vec<Timestamp> = (0..count)
            .rev()
            .map(|k| Timestamp(window.to.0 - k * week))
            .collect();
        let mut values = vec![Vec::with_capacity(weeks.len()); kpi::KPIS.len()];
        for end in &weeks {
            let choice = PeriodChoice::Range {
                from: end.0 - week + 1,
                to: end.0,
            };
            let kpis = self.with(choice, kpi::evaluate_all);
            for (k, result) in kpis.iter().enumerate() {
                values[k].push(result.measure.value);
            }
        }
        Trend { weeks, values }
    }
}

pub fn analyse(
    sources: &[Source],
    choice: PeriodChoice,
    settings: &Settings,
    group: Option<&str>,
    now: Timestamp,
    known: &dyn Fn(&Speaking) -> Option<Rc<Metrics>>,
) -> Analysis {
    let loaded = Loaded::of(sources, settings, group);
    let base = Base::of(&loaded, settings, now);
    let span = base.span;
    let mut analysis = base.with(choice, |cx| {
        let mut kpis = kpi::evaluate_all(cx);
        kpi::date_evidence(&mut kpis, &loaded.times, cx.period, now, settings);
        let overall = kpi::overall(&kpis, settings);
        let end = cx.period.to.unwrap_or(now);
        let vulns = VulnTime::of(
            cx.current,
            cx.vulnerabilities,
            cx.period,
            cx.window,
            end,
            settings,
        );
        Analysis {
            now,
            choice,
            stale_after_days: settings.stale_after_days,
            // "All data" is reported as the span of the data it covers.
            period: match (choice, span) {
                (PeriodChoice::All, Some(span)) => Period {
                    from: Some(span.from),
                    to: Some(span.to),
                },
                _ => cx.period,
            },
            kpis,
            overall,
            previous: None,
            trend: Trend::default(),
            metrics: known(&cx.current.selected)
                .unwrap_or_else(|| Rc::new(Metrics::of(cx.current))),
            speaking: cx.current.selected.clone(),
            activity: Activity::of(cx.events, cx.incidents, cx.window),
            vulns,
            role_threshold: settings.role_assumptions_per_day,
            compliance: present::compliance::compliance(cx.items, cx.current, loaded.inventory),
            measurements: present::compliance::measurements(&loaded.measured),
        }
    });
    analysis.previous = choice.previous(now).map(|before| {
        base.with(before, |cx| {
            let kpis = kpi::evaluate_all(cx);
            Previous {
                period: cx.period,
                overall: kpi::overall(&kpis, settings),
                kpis,
            }
        })
    });
    analysis.trend = base.trend(choice.window(now, span));
    analysis
}

/// Every finding loaded up to the period's end, for the explorer: computed when the explorer
/// asks, not with every view (a million findings' records are a fifth of an analysis).
pub fn records(
    sources: &[Source],
    choice: PeriodChoice,
    settings: &Settings,
    group: Option<&str>,
    now: Timestamp,
) -> Vec<Record> {
    let loaded = Loaded::of(sources, settings, group);
    let base = Base::of(&loaded, settings, now);
    base.with(choice, |cx| {
        let end = cx.period.to.unwrap_or(now);
        // The explorer ages every category; the KPIs follow vulnerabilities and secrets.
        let [misconfiguration, code, policy, compliance] = [
            Category::Misconfiguration,
            Category::Code,
            Category::Policy,
            Category::Compliance,
        ]
        .map(|c| History::new(cx.items, c, cx.period));
        let histories = Category::ALL.map(|c| match c {
            Category::Vulnerability => cx.vulnerabilities,
            Category::Secret => cx.secrets,
            Category::Misconfiguration => &misconfiguration,
            Category::Code => &code,
            Category::Policy => &policy,
            Category::Compliance => &compliance,
        });
        explorer::records(cx, histories, &loaded.item_source, end)
    })
}
