//! The live merge as a model test: a server whose tasks are made, change and are deleted,
//! each change committed with its version and published as an event; a page that gets
//! those events duplicated, out of order and, after a break in the stream, lost (then a
//! fresh snapshot is read), and snapshots read while changes go on (the creation number
//! read first, the rows later) answered at any later moment. Over 10,000 generated runs:
//! once every event sent has arrived, the page shows exactly the server's tasks in their
//! last committed state; and no task shown ever goes back to an older version, nor comes
//! back once it was taken off as deleted.

use super::known::Known;
use crate::domain::{CurrentServices, ListQuery, StatusCounts, TaskPage, TaskStatus, TaskView};
use crate::testing::Rng;
use std::collections::{BTreeMap, HashMap, HashSet};
use uuid::Uuid;

/// What reaches the page.
#[derive(Clone)]
enum News {
    Task(TaskView),
    Removed(Uuid),
    /// A snapshot; `merge`: taken in as the polling fallback does, else as a resync.
    Page {
        page: TaskPage,
        merge: bool,
    },
}

#[derive(Default)]
struct Server {
    tasks: BTreeMap<Uuid, TaskView>,
    seq: u64,
    made: u128,
}

impl Server {
    /// One random change, committed; its event, if it makes one.
    fn change(&mut self, rng: &mut Rng) -> Option<News> {
        let ids: Vec<Uuid> = self.tasks.keys().copied().collect();
        if ids.is_empty() || rng.one_in(4) {
            self.seq += 1;
            self.made += 1;
            let task = TaskView {
                id: Uuid::from_u128(self.made), // in creation order, as UUIDv7 ids are
                seq: self.seq,
                version: 1,
                ..TaskView::example("a kite", chrono::Utc::now())
            };
            self.tasks.insert(task.id, task.clone());
            return Some(News::Task(task));
        }
        let id = ids[rng.below(ids.len())];
        let task = self.tasks.get_mut(&id)?;
        use TaskStatus::*;
        let next = match task.status {
            Pending | Retrying => [Processing, Cancelled][rng.below(2)],
            Processing => [Completed, Failed, Retrying, Pending][rng.below(4)],
            Completed | Failed | Cancelled => {
                self.tasks.remove(&id);
                return Some(News::Removed(id));
            }
        };
        task.status = next;
        task.version += 1;
        Some(News::Task(task.clone()))
    }

    /// The page as read now, given the creation number read earlier.
    fn page(&self, seq: u64, rng: &mut Rng) -> News {
        TaskPage {
            tasks: self.tasks.values().rev().cloned().collect(),
            next_cursor: None,
            counts: StatusCounts::default(),
            paused: false,
            queue_version: 0,
            seq,
            retry_limit: 3,
            as_of: chrono::Utc::now(),
            services: CurrentServices::default(),
        }
        .into_news(rng.one_in(2))
    }
}

impl TaskPage {
    fn into_news(self, merge: bool) -> News {
        News::Page { page: self, merge }
    }
}

/// The page, and what it has shown so far.
struct Page {
    known: Known,
    shown: HashMap<Uuid, u64>,
    deleted: HashSet<Uuid>,
}

impl Page {
    fn take(&mut self, news: News, server: &Server) {
        let all = ListQuery::default().validate().unwrap();
        match news {
            News::Task(task) => drop(self.known.put(task)),
            News::Removed(id) => drop(self.known.remove(HashSet::from([id]))),
            News::Page { mut page, merge: false } => self.known = self.known.rebase(&mut page, &all),
            News::Page { page, merge: true } => {
                // As `Queue::merge`: the lacking ones off, then each task of the page.
                let gone = self.known.learn(&page, &all);
                self.known.remove(gone.into_iter().collect());
                for task in page.tasks.into_iter().rev() {
                    self.known.put(task);
                }
            }
        }
        for task in self.known.iter() {
            let before = self.shown.insert(task.id, task.version);
            assert!(before.is_none_or(|v| v <= task.version), "{} went back from version {before:?}", task.id);
            assert!(!self.deleted.contains(&task.id), "{} came back after it was taken off as deleted", task.id);
        }
        let now: HashSet<Uuid> = self.known.iter().map(|t| t.id).collect();
        for (id, _) in self.shown.iter().filter(|(id, _)| !now.contains(id)) {
            assert!(!server.tasks.contains_key(id), "{id} was taken off though it exists");
            self.deleted.insert(*id);
        }
    }
}

/// One run: `steps` changes with news in flight, then everything still in flight arrives.
fn run(rng: &mut Rng, steps: usize) {
    let mut server = Server::default();
    let mut page = Page { known: Known::default(), shown: HashMap::new(), deleted: HashSet::new() };
    // News on its way, each with the step it arrives after.
    let mut flight: Vec<(usize, News)> = Vec::new();
    // Snapshots being read: the creation number read, and when their rows are read.
    let mut reading: Vec<(u64, usize)> = Vec::new();
    for step in 0..steps {
        if let Some(news) = server.change(rng) {
            // Published out of order by up to a few steps, now and then twice.
            flight.push((step + rng.below(4), news.clone()));
            if rng.one_in(8) {
                flight.push((step + rng.below(6), news));
            }
        }
        if rng.one_in(10) {
            // The stream broke: what was on its way is lost, and a snapshot is read from now.
            flight.retain(|(_, news)| matches!(news, News::Page { .. }));
            reading.push((server.seq, step + rng.below(3)));
        } else if rng.one_in(6) {
            reading.push((server.seq, step + rng.below(3)));
        }
        for (seq, _) in reading.iter().filter(|(_, at)| *at == step) {
            flight.push((step + rng.below(5), server.page(*seq, rng)));
        }
        reading.retain(|(_, at)| *at > step);
        let (arrived, later): (Vec<_>, Vec<_>) = flight.into_iter().partition(|(at, _)| *at <= step);
        flight = later;
        for (_, news) in arrived {
            page.take(news, &server);
        }
    }
    for (seq, _) in reading.drain(..) {
        flight.push((0, server.page(seq, rng)));
    }
    flight.sort_by_key(|(at, _)| *at);
    for (_, news) in flight {
        page.take(news, &server);
    }
    let shown: Vec<(Uuid, TaskStatus, u64)> = page.known.iter().map(|t| (t.id, t.status, t.version)).collect();
    let mut last: Vec<(Uuid, TaskStatus, u64)> = server.tasks.values().map(|t| (t.id, t.status, t.version)).collect();
    let mut sorted = shown.clone();
    sorted.sort_by_key(|t| t.0);
    last.sort_by_key(|t| t.0);
    assert_eq!(sorted, last, "the page shows the server's last committed state");
}

#[test]
fn the_page_ends_on_the_last_committed_state_and_never_goes_back() {
    let mut rng = Rng(0x11FE);
    for _ in 0..10_000 {
        let steps = 5 + rng.below(40);
        run(&mut rng, steps);
    }
}
