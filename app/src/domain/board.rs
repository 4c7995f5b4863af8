//! The whiteboard's items: results placed on an owner's board, each with a position and
//! size in board units, and frames waiting for a task's result.

use super::{FieldError, Media, TaskKind, ValidationErrors};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The farthest an item may sit from the board's origin, in board units.
pub const BOARD_EXTENT: f64 = 1_000_000.0;
/// The smallest and largest side of an item.
pub const MIN_SIDE: f64 = 8.0;
pub const MAX_SIDE: f64 = 100_000.0;

/// One item as the API returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BoardItemView {
    pub id: Uuid,
    /// The task that made it, or that a frame waits for.
    pub task_id: Option<Uuid>,
    pub kind: TaskKind,
    /// `None` for a frame whose task has not completed.
    pub media: Option<Media>,
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    /// Stacking order: higher is in front.
    pub z: i64,
    /// One more at every change (as [`TaskView::version`](super::TaskView)).
    #[serde(default)]
    pub version: u64,
    /// The owner's creation number it was made with (as [`TaskView::seq`](super::TaskView)).
    #[serde(default)]
    pub seq: u64,
}

/// Items in one `list_board` page, unless the request asks for fewer; and at most.
pub const BOARD_PAGE: u32 = 200;
pub const MAX_BOARD_PAGE: u32 = 500;

/// `POST /api/list_board`: a page of the owner's items, back to front, after `cursor`
/// (the previous page's `next_cursor`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BoardQuery {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

/// A board query that holds: the last item seen (its `z` and id), and the page size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BoardFilter {
    pub after: Option<(i64, Uuid)>,
    pub limit: u32,
}

/// One page of items; `next_cursor` is set when more follow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BoardPage {
    pub items: Vec<BoardItemView>,
    pub next_cursor: Option<String>,
    /// The owner's last creation number, read before the items (as [`TaskPage::seq`](super::TaskPage)).
    #[serde(default)]
    pub seq: u64,
}

impl BoardQuery {
    pub fn validate(&self) -> Result<BoardFilter, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let after = errors.take(self.cursor.as_deref().map(parse_cursor).transpose());
        let limit = errors.take(match self.limit.unwrap_or(BOARD_PAGE) {
            n @ 1..=MAX_BOARD_PAGE => Ok(n),
            n => Err(FieldError::new(
                "limit",
                "limit_out_of_range",
                format!("A page holds 1 to {MAX_BOARD_PAGE} items; {n} was asked for."),
            )),
        });
        match (after, limit) {
            (Some(after), Some(limit)) => Ok(BoardFilter { after, limit }),
            _ => Err(errors),
        }
    }
}

/// The cursor after `item`: its stacking order and id.
pub fn board_cursor(item: &BoardItemView) -> String {
    format!("{}_{}", item.z, item.id)
}

fn parse_cursor(raw: &str) -> Result<(i64, Uuid), FieldError> {
    let invalid = || FieldError::new("cursor", "cursor_invalid", "The cursor is not one this API returned.");
    let (z, id) = raw.split_once('_').ok_or_else(invalid)?;
    Ok((z.parse().map_err(|_| invalid())?, Uuid::parse_str(id).map_err(|_| invalid())?))
}

/// Where an item goes, validated.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placement {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

/// What `POST /api/place_on_board` accepts: a result (`content_id`) or a frame for a task
/// (`task_id`), and where.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PlaceRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task_id: Option<String>,
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

/// What a placed item shows: a result, or the result a task will make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlaceSource {
    Content(Uuid),
    Task(Uuid),
}

/// What `POST /api/arrange_board_item` accepts: an item's new position and size.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ArrangeRequest {
    pub id: String,
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

impl PlaceRequest {
    pub fn validate(&self) -> Result<(PlaceSource, Placement), ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let source = errors.take(match (&self.content_id, &self.task_id) {
            (Some(id), None) => uuid_of("content_id", id).map(PlaceSource::Content),
            (None, Some(id)) => uuid_of("task_id", id).map(PlaceSource::Task),
            _ => Err(FieldError::new(
                "content_id",
                "source_invalid",
                "Give either content_id (a result) or task_id (a frame for a task), not both.",
            )),
        });
        let placement = errors.take_all(placement(self.x, self.y, self.width, self.height));
        match (source, placement) {
            (Some(source), Some(placement)) => Ok((source, placement)),
            _ => Err(errors),
        }
    }
}

impl ArrangeRequest {
    pub fn validate(&self) -> Result<(Uuid, Placement), ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let id = errors.take(uuid_of("id", &self.id));
        let placement = errors.take_all(placement(self.x, self.y, self.width, self.height));
        match (id, placement) {
            (Some(id), Some(placement)) => Ok((id, placement)),
            _ => Err(errors),
        }
    }
}

/// What `POST /api/remove_board_item` accepts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BoardItemRef {
    pub id: String,
}

impl BoardItemRef {
    pub fn validate(&self) -> Result<Uuid, ValidationErrors> {
        uuid_of("id", &self.id).map_err(|e| ValidationErrors(vec![e]))
    }
}

fn uuid_of(field: &str, raw: &str) -> Result<Uuid, FieldError> {
    Uuid::parse_str(raw.trim())
        .map_err(|_| FieldError::new(field, "id_invalid", format!("\"{raw}\" is not an id this API returned.")))
}

fn placement(x: f64, y: f64, width: f64, height: f64) -> Result<Placement, Vec<FieldError>> {
    let mut problems = Vec::new();
    for (field, value) in [("x", x), ("y", y)] {
        if !value.is_finite() || value.abs() > BOARD_EXTENT {
            problems.push(FieldError::new(
                field,
                "position_out_of_range",
                format!("{field} must be a number from -{BOARD_EXTENT} to {BOARD_EXTENT}; got {value}."),
            ));
        }
    }
    for (field, value) in [("width", width), ("height", height)] {
        if !value.is_finite() || !(MIN_SIDE..=MAX_SIDE).contains(&value) {
            problems.push(FieldError::new(
                field,
                "size_out_of_range",
                format!("{field} must be {MIN_SIDE} to {MAX_SIDE}; got {value}."),
            ));
        }
    }
    if problems.is_empty() {
        Ok(Placement { x, y, width, height })
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(content: Option<&str>, task: Option<&str>, x: f64, width: f64) -> PlaceRequest {
        PlaceRequest {
            content_id: content.map(String::from),
            task_id: task.map(String::from),
            x,
            y: 0.0,
            width,
            height: 100.0,
        }
    }

    #[test]
    fn a_result_or_a_frame_is_placed() {
        let id = Uuid::now_v7();
        let (source, at) = place(Some(&id.to_string()), None, -20.5, 320.0).validate().unwrap();
        assert_eq!(source, PlaceSource::Content(id));
        assert_eq!(at, Placement { x: -20.5, y: 0.0, width: 320.0, height: 100.0 });
        assert_eq!(place(None, Some(&id.to_string()), 0.0, 8.0).validate().unwrap().0, PlaceSource::Task(id));
    }

    #[test]
    fn exactly_one_source_is_needed() {
        let id = Uuid::now_v7().to_string();
        for bad in [place(None, None, 0.0, 100.0), place(Some(&id), Some(&id), 0.0, 100.0)] {
            assert_eq!(bad.validate().unwrap_err().0[0].code, "source_invalid");
        }
        assert_eq!(place(Some("nope"), None, 0.0, 100.0).validate().unwrap_err().0[0].code, "id_invalid");
    }

    #[test]
    fn positions_and_sizes_are_bounded_and_finite() {
        let id = Uuid::now_v7().to_string();
        let codes = |r: PlaceRequest| r.validate().unwrap_err().0.into_iter().map(|e| e.code).collect::<Vec<_>>();
        assert_eq!(codes(place(Some(&id), None, f64::NAN, 100.0)), ["position_out_of_range"]);
        assert_eq!(codes(place(Some(&id), None, 2e6, 7.9)), ["position_out_of_range", "size_out_of_range"]);
        assert_eq!(codes(place(Some(&id), None, 0.0, f64::INFINITY)), ["size_out_of_range"]);
        let arrange = ArrangeRequest { id, x: 0.0, y: 0.0, width: 100_001.0, height: 10.0 };
        assert_eq!(arrange.validate().unwrap_err().0[0].field, "width");
    }

    #[test]
    fn board_pages_take_a_cursor_and_a_bounded_size() {
        let item = BoardItemView {
            id: Uuid::nil(),
            task_id: None,
            kind: TaskKind::Image,
            media: None,
            x: 0.0,
            y: 0.0,
            width: 8.0,
            height: 8.0,
            z: -3,
            version: 1,
            seq: 1,
        };
        let query = BoardQuery { cursor: Some(board_cursor(&item)), limit: None };
        assert_eq!(query.validate().unwrap(), BoardFilter { after: Some((-3, Uuid::nil())), limit: BOARD_PAGE });
        for (cursor, limit, code) in [
            (Some("7"), None, "cursor_invalid"),
            (Some("x_y"), None, "cursor_invalid"),
            (None, Some(0), "limit_out_of_range"),
        ] {
            let query = BoardQuery { cursor: cursor.map(str::to_owned), limit };
            assert_eq!(query.validate().unwrap_err().0[0].code, code);
        }
    }
}
