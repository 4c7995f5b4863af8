//! What every HTTP adapter shares: error statuses classified for the engine (retryable
//! with the service's wait, or permanent with its reason, read from the error body shapes
//! of OpenAI, Replicate, fal and ComfyUI; a refusal by the service's safety system told
//! apart from rejected parameters), bodies read up to the result size cap, transport
//! errors (a request that outlives `request-timeout-ms` is a timeout, not an outage), and
//! requests with the service's key.

use crate::failure::{Failure, FailureKind};
use chrono::TimeDelta;
use reqwest::{header::HeaderMap, Response, StatusCode};
use serde_json::Value;

/// Passes a success through; classifies an error status.
pub async fn check(response: Response) -> Result<Response, Failure> {
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    let retry_after = retry_after(response.headers());
    let body: Value = response.json().await.unwrap_or(Value::Null);
    let message = message_of(&body);
    let cause = match &message {
        Some(m) => format!("HTTP {}: {m}", status.as_u16()),
        None => format!("HTTP {}", status.as_u16()),
    };
    let code = body["error"]["code"].as_str().or(body["error"]["type"].as_str());
    let kind = match (status, code) {
        // OpenAI answers an exhausted quota with 429 too: waiting does not help.
        (StatusCode::PAYMENT_REQUIRED, _) | (_, Some("insufficient_quota" | "billing_hard_limit_reached")) => {
            FailureKind::Quota
        }
        (StatusCode::TOO_MANY_REQUESTS | StatusCode::REQUEST_TIMEOUT, _) => {
            return Err(Failure::Retryable { message: format!("HTTP {}", status.as_u16()), after: retry_after })
        }
        (s, _) if s.is_server_error() => {
            return Err(Failure::Retryable { message: format!("HTTP {}", status.as_u16()), after: retry_after })
        }
        _ if refused_by_policy(&body) => FailureKind::ContentPolicy,
        (StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN, _) => FailureKind::Auth,
        (StatusCode::NOT_FOUND, _) => FailureKind::NotFound,
        (StatusCode::BAD_REQUEST | StatusCode::UNPROCESSABLE_ENTITY, _) => FailureKind::Validation,
        _ => FailureKind::Protocol,
    };
    Err(Failure::Permanent { kind, message: format!("The generation service refused: {cause}") })
}

/// The codes a service's safety system refuses with: OpenAI's `moderation_blocked` (GPT
/// Image) and `content_policy_violation` (DALL·E), which fal's model errors use too.
const POLICY_CODES: [&str; 2] = ["moderation_blocked", "content_policy_violation"];

/// Whether an error body is a refusal by the service's safety system: OpenAI's
/// `error.code` (or `error.type`), or the `type` of one of fal's `detail` entries.
pub fn refused_by_policy(body: &Value) -> bool {
    let fal = body["detail"].as_array().into_iter().flatten().map(|entry| &entry["type"]);
    let mut codes = [&body["error"]["code"], &body["error"]["type"]].into_iter().chain(fal);
    codes.any(|code| code.as_str().is_some_and(|code| POLICY_CODES.contains(&code)))
}

/// The body, refused as soon as it passes `limit` bytes (before any is read when its
/// announced length does); `max_result` is what the message names.
pub async fn read_capped(mut response: Response, limit: u64, max_result: u64) -> Result<Vec<u8>, Failure> {
    if response.content_length().is_some_and(|n| n > limit) {
        return Err(too_large(max_result));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(unreachable)? {
        if (body.len() + chunk.len()) as u64 > limit {
            return Err(too_large(max_result));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

pub fn too_large(max: u64) -> Failure {
    let size = if max >= 1 << 20 { format!("{} MB", max >> 20) } else { format!("{max} bytes") };
    Failure::Permanent {
        kind: FailureKind::TooLarge,
        message: format!("The generation service sent a result over {size} (max-result-bytes in Leptos.toml)."),
    }
}

/// The service's own words in an error body: OpenAI's `error.message`, a bare `error`,
/// Replicate's and fal's `detail` (text, or a list of `msg`s), or a `title`; followed by
/// ComfyUI's `node_errors`, which name the node, the input and (say) the missing file.
pub fn message_of(body: &Value) -> Option<String> {
    let message = service_words(body);
    let nodes = node_errors(body);
    match (message, nodes.is_empty()) {
        (Some(m), false) => Some(format!("{m}: {}", nodes.join("; "))),
        (None, false) => Some(nodes.join("; ")),
        (message, true) => message,
    }
}

/// A node error's details kept in a message, at most (a missing model's details list
/// every file ComfyUI has).
const DETAILS_KEPT: usize = 300;

/// ComfyUI's `node_errors`: `{id: {"class_type", "errors": [{"message", "details"}]}}`.
fn node_errors(body: &Value) -> Vec<String> {
    let nodes = body["node_errors"].as_object().into_iter().flatten();
    nodes
        .flat_map(|(id, node)| {
            let class = node["class_type"].as_str().unwrap_or("node");
            node["errors"].as_array().into_iter().flatten().map(move |error| {
                let message = error["message"].as_str().unwrap_or("invalid");
                let details = error["details"].as_str().unwrap_or_default();
                let details = match details.char_indices().nth(DETAILS_KEPT) {
                    Some((cut, _)) => format!("{}…", &details[..cut]),
                    None => details.to_owned(),
                };
                match details.is_empty() {
                    true => format!("{class} (node {id}): {message}"),
                    false => format!("{class} (node {id}): {message}: {details}"),
                }
            })
        })
        .collect()
}

fn service_words(body: &Value) -> Option<String> {
    let text = |v: &Value| v.as_str().filter(|s| !s.is_empty()).map(str::to_owned);
    text(&body["error"]["message"])
        .or_else(|| text(&body["error"]))
        .or_else(|| text(&body["detail"]))
        .or_else(|| {
            let msgs: Vec<&str> = body["detail"].as_array()?.iter().filter_map(|d| d["msg"].as_str()).collect();
            (!msgs.is_empty()).then(|| msgs.join("; "))
        })
        .or_else(|| text(&body["title"]))
}

/// `retry-after-ms` (OpenAI's) or `Retry-After` in seconds.
fn retry_after(headers: &HeaderMap) -> Option<TimeDelta> {
    let number = |name: &str| headers.get(name)?.to_str().ok()?.trim().parse::<f64>().ok();
    let ms = number("retry-after-ms").or_else(|| number("retry-after").map(|s| s * 1000.0))?;
    (ms.is_finite() && ms >= 0.0).then(|| TimeDelta::milliseconds(ms.min(86_400_000.0) as i64))
}

pub fn unreachable(e: reqwest::Error) -> Failure {
    if e.is_timeout() && !e.is_connect() {
        // Connected, but no whole answer within `request-timeout-ms`: the service is there
        // and slow, which fails as `timed_out` when the retries run out.
        return Failure::TimedOut { message: "generation service timed out (request-timeout-ms)".into() };
    }
    // A certificate the service's TLS shows and this machine does not trust says so
    // somewhere down the error's causes.
    let causes = std::iter::successors(std::error::Error::source(&e), |c| c.source());
    let untrusted = causes.map(|c| c.to_string()).find(|c| c.contains("certificate"));
    let what = if let Some(why) = untrusted {
        format!("refused over TLS ({why})")
    } else if e.is_timeout() {
        "did not accept the connection in time".to_owned()
    } else if e.is_connect() {
        "connection refused".to_owned()
    } else {
        "connection lost".to_owned()
    };
    Failure::Retryable { message: format!("generation service {what}"), after: None }
}

/// Sends `request` and reads its JSON answer (at most `limit` bytes).
pub async fn json(request: reqwest::RequestBuilder, limit: u64) -> Result<Value, Failure> {
    let response = check(request.send().await.map_err(unreachable)?).await?;
    let body = read_capped(response, limit, limit).await?;
    serde_json::from_slice(&body).map_err(|e| protocol(format!("the answer is not the expected JSON: {e}")))
}

/// Enough for any status answer; results come through [`read_capped`] with their own cap.
pub const STATUS_LIMIT: u64 = 4 << 20;

/// Downloads a result (at most `max` bytes): `request` sent, its status checked, its body
/// read up to the cap.
pub async fn download(request: reqwest::RequestBuilder, max: u64) -> Result<Vec<u8>, Failure> {
    let response = check(request.send().await.map_err(unreachable)?).await?;
    read_capped(response, max, max).await
}

/// A queued job that ended badly, in the service's words: refused by its safety checks,
/// or failed while generating (trying it again is the user's call). Replicate names its
/// refusal `E005` ("The input or output was flagged as sensitive"); a model's own filter
/// says NSFW, safety or moderation.
pub fn job_failed(message: &str) -> Failure {
    let lower = message.to_lowercase();
    let words = ["nsfw", "safety", "content policy", "moderation", "sensitive", "(e005)"];
    let refused = words.iter().any(|w| lower.contains(w));
    could_not_make(if refused { FailureKind::ContentPolicy } else { FailureKind::Generator }, message)
}

/// A queued job that ended badly, as the service's error body says (OpenAI's failed video:
/// `error.code`, `error.message`): its code tells a refusal, or else its words do.
pub fn job_failed_with(body: &Value) -> Failure {
    let message = message_of(body).unwrap_or_default();
    match refused_by_policy(body) {
        true => could_not_make(FailureKind::ContentPolicy, &message),
        false => job_failed(&message),
    }
}

fn could_not_make(kind: FailureKind, message: &str) -> Failure {
    let message = if message.is_empty() { "no reason given" } else { message };
    Failure::Permanent { kind, message: format!("The generation service could not make it: {message}") }
}

/// The last percentage a progress bar printed in a job's log (`NN%|`).
pub fn percent_in(logs: &str) -> Option<u8> {
    logs.rsplit('%').skip(1).find_map(|before| {
        let digits: String = before.chars().rev().take_while(char::is_ascii_digit).collect();
        digits.chars().rev().collect::<String>().parse::<u8>().ok().filter(|p| *p <= 100)
    })
}

pub fn protocol(message: String) -> Failure {
    Failure::Permanent {
        kind: FailureKind::Protocol,
        message: format!("The generation service answered wrongly: {message}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn comfyuis_node_errors_name_the_node_and_the_missing_file() {
        let files: Vec<String> = (0..100).map(|n| format!("'model-{n}.safetensors'")).collect();
        let body = json!({
            "error": { "type": "prompt_outputs_failed_validation", "message": "Prompt outputs failed validation" },
            "node_errors": { "4": { "class_type": "CheckpointLoaderSimple", "errors": [{
                "type": "value_not_in_list", "message": "Value not in list",
                "details": format!("ckpt_name: 'sd_xl.safetensors' not in [{}]", files.join(", ")),
            }] } }
        });
        let message = message_of(&body).unwrap();
        assert!(
            message.starts_with(
                "Prompt outputs failed validation: CheckpointLoaderSimple (node 4): Value not in list: \
                 ckpt_name: 'sd_xl.safetensors' not in ['model-0.safetensors'"
            ),
            "{message}"
        );
        assert!(message.ends_with('…') && message.len() < 500, "long details are cut: {message}");
        assert_eq!(message_of(&json!({ "error": { "message": "Nope." } })).as_deref(), Some("Nope."));
    }

    #[tokio::test]
    async fn every_error_status_is_classified() {
        let answer = |status: u16, code: &str, headers: &[(&str, &str)]| {
            let body = json!({ "error": { "message": "Nope.", "type": "error", "code": code } }).to_string();
            let mut res = http::Response::builder().status(status);
            for (name, value) in headers {
                res = res.header(*name, *value);
            }
            check(Response::from(res.body(body).unwrap()))
        };
        let retryable = |after: Option<i64>| Failure::Retryable {
            message: String::new(),
            after: after.map(TimeDelta::milliseconds),
        };
        let blank = |failure: Failure| match failure {
            Failure::Retryable { after, .. } => Failure::Retryable { message: String::new(), after },
            permanent => permanent,
        };
        let kind_of = |failure: Failure| match failure {
            Failure::Permanent { kind, message } => {
                assert_eq!(message.split(": ").last(), Some("Nope."), "the service's words are kept");
                Some(kind)
            }
            _ => None,
        };
        assert_eq!(blank(answer(503, "server_error", &[]).await.unwrap_err()), retryable(None));
        assert_eq!(blank(answer(408, "timeout", &[]).await.unwrap_err()), retryable(None));
        let slow_down = answer(429, "rate_limit_exceeded", &[("retry-after-ms", "1500")]).await.unwrap_err();
        assert_eq!(blank(slow_down), retryable(Some(1500)));
        for (status, code, kind) in [
            (429, "insufficient_quota", FailureKind::Quota),
            (402, "payment_required", FailureKind::Quota),
            (400, "content_policy_violation", FailureKind::ContentPolicy),
            (400, "moderation_blocked", FailureKind::ContentPolicy),
            (401, "invalid_api_key", FailureKind::Auth),
            (403, "forbidden", FailureKind::Auth),
            (404, "model_not_found", FailureKind::NotFound),
            (400, "invalid_size", FailureKind::Validation),
            (422, "invalid_value", FailureKind::Validation),
            (418, "teapot", FailureKind::Protocol),
        ] {
            assert_eq!(kind_of(answer(status, code, &[]).await.unwrap_err()), Some(kind), "HTTP {status} {code}");
        }
        assert!(answer(200, "", &[]).await.is_ok());
    }

    #[test]
    fn a_safety_refusal_is_told_apart_from_rejected_parameters() {
        // OpenAI's GPT Image, as it answers a prompt its moderation blocks.
        let openai = json!({ "error": {
            "message": "Your request was rejected by the safety system.",
            "type": "image_generation_user_error", "param": null, "code": "moderation_blocked",
        } });
        // fal's model error: typed `detail` entries, one per problem.
        let fal = json!({ "detail": [{
            "loc": ["body", "prompt"], "msg": "The content was flagged by a content checker.",
            "type": "content_policy_violation", "url": "https://docs.fal.ai/errors#content_policy_violation",
        }] });
        let rejected =
            json!({ "detail": [{ "loc": ["body", "width"], "msg": "too wide", "type": "less_than_equal" }] });
        assert!(refused_by_policy(&openai) && refused_by_policy(&fal));
        assert!(!refused_by_policy(&rejected) && !refused_by_policy(&json!({ "error": { "code": "invalid_size" } })));

        let kind = |failure: Failure| match failure {
            Failure::Permanent { kind, .. } => kind,
            other => panic!("{other:?}"),
        };
        let replicate = "The input or output was flagged as sensitive. Please try again with different inputs. (E005)";
        assert_eq!(kind(job_failed(replicate)), FailureKind::ContentPolicy);
        assert_eq!(kind(job_failed("CUDA out of memory")), FailureKind::Generator);
        // OpenAI's failed video says it by its code, whatever its words.
        let video = json!({ "status": "failed", "error": { "code": "moderation_blocked", "message": "Blocked." } });
        assert_eq!(job_failed_with(&video), could_not_make(FailureKind::ContentPolicy, "Blocked."));
        let video = json!({ "status": "failed", "error": { "code": "internal_error", "message": "It broke." } });
        assert_eq!(kind(job_failed_with(&video)), FailureKind::Generator);
    }

    #[tokio::test]
    async fn a_request_past_its_timeout_is_a_timeout_and_a_refused_connection_an_outage() {
        let app = axum::Router::new().route("/slow", axum::routing::get(std::future::pending::<()>));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        let client = reqwest::Client::builder().timeout(std::time::Duration::from_millis(50)).build().unwrap();
        let slow = client.get(format!("{base}/slow")).send().await.unwrap_err();
        assert_eq!(
            unreachable(slow),
            Failure::TimedOut { message: "generation service timed out (request-timeout-ms)".into() }
        );
        // A port nothing listens on (bound, then let go).
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
        let refused = client.get(format!("http://{closed}/")).send().await.unwrap_err();
        assert_eq!(
            unreachable(refused),
            Failure::Retryable { message: "generation service connection refused".into(), after: None }
        );
    }

    #[test]
    fn progress_is_the_last_percentage_in_the_log() {
        assert_eq!(percent_in("starting\n 25%|██▌       | 7/28\n 50%|█████     | 14/28"), Some(50));
        assert_eq!(percent_in("loading weights"), None);
        assert_eq!(percent_in("100%|██████████| 28/28"), Some(100));
        assert_eq!(percent_in("x 250% y"), None);
    }

    #[test]
    fn retry_after_reads_milliseconds_or_seconds() {
        let headers = |pairs: &[(&'static str, &'static str)]| {
            let mut map = HeaderMap::new();
            for (k, v) in pairs {
                map.insert(*k, v.parse().unwrap());
            }
            map
        };
        assert_eq!(retry_after(&headers(&[("retry-after-ms", "1500")])), Some(TimeDelta::milliseconds(1500)));
        assert_eq!(retry_after(&headers(&[("retry-after", "120")])), Some(TimeDelta::seconds(120)));
        assert_eq!(retry_after(&headers(&[("retry-after", "Wed, 21 Oct 2026 07:28:00 GMT")])), None);
        assert_eq!(retry_after(&headers(&[("retry-after", "-3")])), None);
        assert_eq!(retry_after(&HeaderMap::new()), None);
    }

    #[tokio::test]
    async fn bodies_over_the_limit_are_refused_announced_or_not() {
        // `/announced` sends its length; `/streamed` sends chunks with no length.
        let app = axum::Router::new().route("/announced", axum::routing::get(|| async { "0123456789" })).route(
            "/streamed",
            axum::routing::get(|| async {
                let halves = ["01234", "56789"].map(Ok::<_, std::io::Error>);
                axum::body::Body::from_stream(futures_util::stream::iter(halves))
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        let get = |path: &str| reqwest::get(format!("{base}{path}"));
        for path in ["/announced", "/streamed"] {
            assert_eq!(read_capped(get(path).await.unwrap(), 10, 10).await.unwrap(), b"0123456789");
            let Err(Failure::Permanent { kind, message }) = read_capped(get(path).await.unwrap(), 9, 9).await else {
                panic!("{path} is over the limit")
            };
            assert_eq!(kind, FailureKind::TooLarge);
            assert_eq!(message, "The generation service sent a result over 9 bytes (max-result-bytes in Leptos.toml).");
        }
        assert!(too_large(200 << 20).reason().contains("over 200 MB"));
    }
}
