//! Listing the owner's tasks: filters, keyset cursor and page size.

use super::search::contains_folded;
use super::text::refuse_control;
use super::{FieldError, TaskKind, TaskStatus, TaskView, ValidationErrors};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The longest search text.
pub const MAX_SEARCH_CHARS: usize = 200;
/// The largest page `list_tasks` returns.
pub const MAX_PAGE_SIZE: u32 = 200;
const DEFAULT_PAGE_SIZE: u32 = 50;

/// What `POST /api/list_tasks` accepts; all fields optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ListQuery {
    /// Only tasks in this status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Only tasks of this kind.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// `next_cursor` of the previous page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// 1 to 200, default 50.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<i64>,
    /// Only tasks whose prompt contains this text (any case); blank means no search.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
}

/// What `POST /api/get_task` accepts: the id of one of the caller's tasks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TaskRef {
    pub id: String,
}

impl TaskRef {
    pub fn validate(&self) -> Result<Uuid, ValidationErrors> {
        Uuid::parse_str(self.id.trim()).map_err(|_| {
            ValidationErrors(vec![FieldError::new("id", "id_invalid", format!("\"{}\" is not a task id.", self.id))])
        })
    }
}

/// A validated [`ListQuery`]. Tasks come newest first; ids are UUIDv7, so id order is
/// creation order and the cursor is simply the last id seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListFilter {
    pub status: Option<TaskStatus>,
    pub kind: Option<TaskKind>,
    pub before: Option<Uuid>,
    pub limit: u32,
    /// Trimmed, never blank.
    pub search: Option<String>,
}

impl ListFilter {
    /// Whether `task` belongs in this list (apart from paging): the browser applies live
    /// changes with it, the same rule the server's query follows.
    pub fn matches(&self, task: &TaskView) -> bool {
        self.status.is_none_or(|s| s == task.status)
            && self.kind.is_none_or(|k| k == task.kind)
            && self.search.as_deref().is_none_or(|q| contains_folded(task.params.prompt(), q))
    }
}

/// What `POST /api/clear_tasks` accepts: which finished statuses to remove.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClearRequest {
    pub statuses: Vec<String>,
    /// Only tasks that had finished by then (so that one finishing meanwhile stays).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finished_before: Option<chrono::DateTime<chrono::Utc>>,
}

/// A validated [`ClearRequest`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClearFilter {
    pub statuses: Vec<TaskStatus>,
    pub finished_before: Option<chrono::DateTime<chrono::Utc>>,
}

impl ClearRequest {
    /// One or more of `completed`, `failed`, `cancelled`.
    pub fn validate(&self) -> Result<ClearFilter, ValidationErrors> {
        let refuse = |message: String| ValidationErrors(vec![FieldError::new("statuses", "statuses_invalid", message)]);
        if self.statuses.is_empty() {
            return Err(refuse("Name the statuses to clear: completed, failed and/or cancelled.".into()));
        }
        let statuses = self
            .statuses
            .iter()
            .map(|s| match TaskStatus::parse(s) {
                Ok(status) if status.is_finished() => Ok(status),
                _ => Err(refuse(format!(
                    "Only finished tasks can be cleared (completed, failed, cancelled), not \"{s}\"."
                ))),
            })
            .collect::<Result<_, _>>()?;
        // Every database can compare a time of these years; no task finished outside them.
        if let Some(at) = self.finished_before.filter(|at| !(1970..=9999).contains(&chrono::Datelike::year(at))) {
            return Err(ValidationErrors(vec![FieldError::new(
                "finished_before",
                "finished_before_out_of_range",
                format!("finished_before is a time between the years 1970 and 9999, not {at}."),
            )]));
        }
        Ok(ClearFilter { statuses, finished_before: self.finished_before })
    }
}

/// What the queue answers to pause, resume and clear.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueState {
    pub paused: bool,
    /// How many tasks the call removed (clear only).
    #[serde(default)]
    pub removed: u64,
    /// One more at every pause or resume: orders this answer against live events.
    #[serde(default)]
    pub version: u64,
}

impl ListQuery {
    pub fn validate(&self) -> Result<ListFilter, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let status = errors.take(self.status.as_deref().map(TaskStatus::parse).transpose());
        let kind = errors.take(self.kind.as_deref().map(TaskKind::parse).transpose());
        let before = errors.take(
            self.cursor
                .as_deref()
                .map(|c| {
                    Uuid::parse_str(c).map_err(|_| {
                        FieldError::new("cursor", "cursor_invalid", "The cursor is not one this API returned.")
                    })
                })
                .transpose(),
        );
        let limit = errors.take(match self.limit {
            None => Ok(DEFAULT_PAGE_SIZE),
            Some(n) if (1..=i64::from(MAX_PAGE_SIZE)).contains(&n) => Ok(n as u32),
            Some(n) => Err(FieldError::new(
                "limit",
                "limit_out_of_range",
                format!("Limit must be 1 to {MAX_PAGE_SIZE}; got {n}."),
            )),
        });
        let search = errors.take(match self.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            Some(q) if q.chars().count() > MAX_SEARCH_CHARS => Err(FieldError::new(
                "q",
                "search_too_long",
                format!("Search for at most {MAX_SEARCH_CHARS} characters."),
            )),
            Some(q) => refuse_control("q", "The search", q).map(|()| Some(q.to_owned())),
            None => Ok(None),
        });
        match (status, kind, before, limit, search) {
            (Some(status), Some(kind), Some(before), Some(limit), Some(search)) => {
                Ok(ListFilter { status, kind, before, limit, search })
            }
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_finished_statuses_can_be_cleared() {
        let req =
            |s: &[&str]| ClearRequest { statuses: s.iter().map(|s| s.to_string()).collect(), finished_before: None };
        assert_eq!(
            req(&["completed", "failed"]).validate().unwrap().statuses,
            [TaskStatus::Completed, TaskStatus::Failed]
        );
        for bad in [&[][..], &["pending"], &["completed", "done"]] {
            assert_eq!(req(bad).validate().unwrap_err().0[0].code, "statuses_invalid", "{bad:?}");
        }
        for year in [-262_143, 1969, 10_000] {
            let at = chrono::NaiveDate::from_ymd_opt(year, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap().and_utc();
            let request = ClearRequest { finished_before: Some(at), ..req(&["failed"]) };
            assert_eq!(request.validate().unwrap_err().0[0].code, "finished_before_out_of_range", "{year}");
        }
    }

    #[test]
    fn task_ref_needs_a_uuid() {
        let id = Uuid::now_v7();
        assert_eq!(TaskRef { id: format!(" {id} ") }.validate().unwrap(), id);
        assert_eq!(TaskRef { id: "42".into() }.validate().unwrap_err().0[0].code, "id_invalid");
    }

    #[test]
    fn empty_query_is_newest_fifty() {
        let f = ListQuery::default().validate().unwrap();
        assert_eq!(f, ListFilter { status: None, kind: None, before: None, limit: 50, search: None });
        let blank = ListQuery { q: Some("  ".into()), ..Default::default() };
        assert_eq!(blank.validate().unwrap().search, None, "a blank search is none");
    }

    #[test]
    fn filters_parse() {
        let id = Uuid::now_v7();
        let q = ListQuery {
            status: Some("failed".into()),
            kind: Some("video".into()),
            cursor: Some(id.to_string()),
            limit: Some(200),
            q: Some(" Red Fox ".into()),
        };
        assert_eq!(
            q.validate().unwrap(),
            ListFilter {
                status: Some(TaskStatus::Failed),
                kind: Some(TaskKind::Video),
                before: Some(id),
                limit: 200,
                search: Some("Red Fox".into()),
            }
        );
    }

    #[test]
    fn bad_filters_are_reported_by_field() {
        let q = ListQuery {
            status: Some("done".into()),
            kind: Some("gif".into()),
            cursor: Some("zzz".into()),
            limit: Some(201),
            q: Some("x".repeat(MAX_SEARCH_CHARS + 1)),
        };
        let fields: Vec<_> = q.validate().unwrap_err().0.into_iter().map(|e| e.code).collect();
        assert_eq!(
            fields,
            ["unknown_status", "unknown_kind", "cursor_invalid", "limit_out_of_range", "search_too_long"]
        );
        assert!(ListQuery { limit: Some(0), ..Default::default() }.validate().is_err());
    }

    #[test]
    fn a_filter_matches_as_the_query_does() {
        let task = TaskView::example("A Red Fox in snow", chrono::Utc::now());
        let filter = |status: Option<&str>, kind: Option<&str>, q: Option<&str>| {
            let query = ListQuery {
                status: status.map(Into::into),
                kind: kind.map(Into::into),
                q: q.map(Into::into),
                ..Default::default()
            };
            query.validate().unwrap()
        };
        assert!(filter(None, None, None).matches(&task));
        assert!(filter(Some("pending"), Some("image"), Some("red fox")).matches(&task), "any case");
        assert!(!filter(Some("failed"), None, None).matches(&task));
        assert!(!filter(None, Some("video"), None).matches(&task));
        assert!(!filter(None, None, Some("grey fox")).matches(&task));
        assert!(contains_folded("雪中的红狐狸", "红狐"));
    }
}
