//! Fake generation services on 127.0.0.1:0, one per protocol, each speaking its
//! service's real request and response shapes (`openai.rs`: OpenAI images and videos;
//! `replicate.rs`; `fal.rs`; `comfyui.rs`). They share one scriptable core: each submission takes the next
//! scripted [`Behaviour`] (or the default), each poll of a queued job the next scripted
//! poll fault (or the job's own state), and every call is logged. A fake can go down
//! (connections refused, open ones closed) and come back on the same address having
//! forgotten its jobs, as a restarted service does.

pub mod comfyui;
mod fal;
mod openai;
mod replicate;

pub use openai::tiny_png;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Router;
use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// The protocol a fake speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// OpenAI-compatible: images in one call, videos as queued jobs.
    OpenAi,
    Replicate,
    Fal,
    ComfyUi,
}

/// What the service does with one call.
#[derive(Debug, Clone)]
pub enum Behaviour {
    /// Answers with the result after the delay (a queued service: queues a job that has
    /// succeeded by the first poll).
    Succeed { after: Duration },
    /// Queues a job that is running for this many polls, then succeeds.
    Queued { polls: u32 },
    /// Queues a job that waits in the service's own queue for `polls` polls, then runs
    /// for `then` polls, then succeeds.
    Waits { polls: u32, then: u32 },
    /// Queues a job that fails with the service's message at the first poll.
    JobFails(&'static str),
    /// Answers with this status and the service's error body.
    Status(u16),
    /// 429 with `retry-after-ms` and `Retry-After`.
    RateLimited { retry_after_ms: u64 },
    /// Refused by the service's safety system (a sync call's error, a queued job's failure).
    ContentPolicy,
    /// Answers 200 with a body that is not JSON.
    Malformed,
    /// Closes the connection without answering.
    Drop,
    /// Answers 200 and then trickles the body, a byte every 100 ms, for 10 s.
    SlowBody,
    /// Never answers.
    Hang,
}

/// A job queued at the fake.
#[derive(Debug, Clone)]
pub struct Job {
    pub prompt: String,
    pub video: bool,
    ended: bool,
    waiting: u32,
    polls_left: u32,
    fails: Option<&'static str>,
    pub cancelled: bool,
    /// Its place in the order jobs run (ComfyUI's prompt number).
    pub number: i64,
    /// The client that queued it (ComfyUI's `client_id`), which alone hears of it.
    pub client: String,
}

#[derive(Default)]
pub(crate) struct State {
    queue: VecDeque<Behaviour>,
    default: Option<Behaviour>,
    poll_faults: VecDeque<Behaviour>,
    /// The prompt of every submission, in order.
    calls: Vec<String>,
    jobs: HashMap<String, Job>,
    polls: usize,
    cancels: Vec<String>,
    /// Node classes and model files ComfyUI's `/object_info` leaves out.
    pub(crate) withheld: Vec<String>,
    /// Other clients' jobs waiting before any of the test's (ComfyUI's prompt numbers).
    pub(crate) ahead: Vec<i64>,
    /// Cancelled when the service goes down: what it serves (open sockets too) stops.
    pub(crate) up: CancellationToken,
    /// Jobs queued and not yet ended (succeeded, failed or cancelled), and the most seen.
    in_flight: usize,
    most_in_flight: usize,
    base_url: String,
}

pub(crate) type Shared = Arc<Mutex<State>>;

#[derive(Clone)]
pub struct FakeService {
    pub base_url: String,
    pub protocol: Protocol,
    state: Shared,
    server: Arc<Server>,
}

/// What serves the fake, kept to serve it again after it went down.
struct Server {
    app: Router,
    addr: SocketAddr,
    serving: Mutex<Option<tokio::task::JoinHandle<()>>>,
}

impl FakeService {
    /// An OpenAI-compatible image service.
    pub async fn start(default: Behaviour) -> Self {
        Self::speaking(Protocol::OpenAi, default).await
    }

    pub async fn speaking(protocol: Protocol, default: Behaviour) -> Self {
        let state: Shared = Arc::new(Mutex::new(State { default: Some(default), ..State::default() }));
        let app: Router = match protocol {
            Protocol::OpenAi => openai::routes(),
            Protocol::Replicate => replicate::routes(),
            Protocol::Fal => fal::routes(),
            Protocol::ComfyUi => comfyui::routes(),
        }
        .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let base_url = format!("http://{addr}");
        state.lock().unwrap().base_url = base_url.clone();
        let server = Arc::new(Server { app, addr, serving: Mutex::new(None) });
        let fake = Self { base_url, protocol, state, server };
        fake.serve(listener);
        fake
    }

    fn serve(&self, listener: tokio::net::TcpListener) {
        let (app, up) = (self.server.app.clone(), CancellationToken::new());
        self.lock().up = up.clone();
        let serving = tokio::spawn(async move {
            axum::serve(listener, app).with_graceful_shutdown(up.cancelled_owned()).await.unwrap()
        });
        *self.server.serving.lock().unwrap() = Some(serving);
    }

    /// The service stops (as ComfyUI does on a restart): connections are refused, open
    /// ones (its sockets too) closed, and every job it had is forgotten.
    pub async fn go_down(&self) {
        let up = self.lock().up.clone();
        up.cancel();
        let serving = self.server.serving.lock().unwrap().take();
        if let Some(serving) = serving {
            let abort = serving.abort_handle();
            if tokio::time::timeout(Duration::from_secs(5), serving).await.is_err() {
                abort.abort(); // a request that hangs
            }
        }
        self.lose_jobs();
    }

    /// The service is back, on the same address, with nothing of before.
    pub async fn come_back(&self) {
        let listener = tokio::net::TcpListener::bind(self.server.addr).await.unwrap();
        self.serve(listener);
    }

    /// The next submissions behave like this, in order; then the default again.
    pub fn script(&self, behaviours: impl IntoIterator<Item = Behaviour>) {
        self.lock().queue.extend(behaviours);
    }

    /// The next polls (of any job) fail like this, in order.
    pub fn script_polls(&self, faults: impl IntoIterator<Item = Behaviour>) {
        self.lock().poll_faults.extend(faults);
    }

    pub fn set_default(&self, behaviour: Behaviour) {
        self.lock().default = Some(behaviour);
    }

    /// Every queued job succeeds at its next poll (one waiting too).
    pub fn finish_jobs(&self) {
        self.lock().jobs.values_mut().for_each(|job| (job.waiting, job.polls_left) = (0, 0));
    }

    /// Someone at the service stops every job (ComfyUI's interrupt, a cancel there).
    pub fn interrupt_jobs(&self) {
        self.lock().jobs.values_mut().for_each(|job| job.cancelled = true);
    }

    /// Other clients queue `n` jobs that run before any of the test's (ComfyUI).
    pub fn queue_ahead(&self, n: usize) {
        let mut state = self.lock();
        let first = state.ahead.len() as i64;
        state.ahead.extend((first..first + n as i64).map(|k| -1 - k));
    }

    /// The other clients' jobs have run.
    pub fn clear_ahead(&self) {
        self.lock().ahead.clear();
    }

    /// The service forgets every job (a restart, or jobs deleted from its queue).
    pub fn lose_jobs(&self) {
        self.lock().jobs.clear();
    }

    /// ComfyUI's `/object_info` leaves out this node class or model file.
    pub fn withhold(&self, name: &str) {
        self.lock().withheld.push(name.to_owned());
    }

    /// The prompts of every submission so far, in order.
    pub fn calls(&self) -> Vec<String> {
        self.lock().calls.clone()
    }

    /// How many times jobs were polled.
    pub fn polls(&self) -> usize {
        self.lock().polls
    }

    /// The most jobs that were queued and running at the service at once.
    pub fn most_in_flight(&self) -> usize {
        self.lock().most_in_flight
    }

    /// The ids of the jobs cancelled, in order.
    pub fn cancels(&self) -> Vec<String> {
        self.lock().cancels.clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap()
    }
}

/// What a submission does.
pub(crate) enum Submitted {
    /// A fault to answer with.
    Fault(Behaviour),
    /// The result at once (sync services), after the delay.
    Result(Duration),
    /// A job was queued under this id.
    Queued(String),
}

/// What a poll finds.
pub(crate) enum Polled {
    Fault(Behaviour),
    Waiting,
    Running(u8),
    Succeeded,
    Failed(&'static str),
    Cancelled,
    Unknown,
}

impl State {
    /// Logs a submission of `prompt` by `client` and decides it; `queued`: the service
    /// queues jobs.
    pub(crate) fn submit(&mut self, prompt: &str, video: bool, queued: bool, client: &str) -> Submitted {
        self.calls.push(prompt.to_owned());
        let next = self.queue.pop_front();
        let behaviour = next.or_else(|| self.default.clone()).expect("a default behaviour");
        let (waiting, polls, fails) = match behaviour {
            Behaviour::Succeed { after } if !queued => return Submitted::Result(after),
            Behaviour::Succeed { .. } => (0, 0, None),
            Behaviour::Queued { polls } => (0, polls, None),
            Behaviour::Waits { polls, then } => (polls, then, None),
            Behaviour::JobFails(message) => (0, 0, Some(message)),
            Behaviour::ContentPolicy if queued => (0, 0, Some("NSFW content detected. Try running it again.")),
            fault => return Submitted::Fault(fault),
        };
        let (id, number) = (format!("job{}", self.calls.len()), self.calls.len() as i64);
        let (prompt, client) = (prompt.to_owned(), client.to_owned());
        let job =
            Job { prompt, video, ended: false, waiting, polls_left: polls, fails, cancelled: false, number, client };
        self.jobs.insert(id.clone(), job);
        self.in_flight += 1;
        self.most_in_flight = self.most_in_flight.max(self.in_flight);
        Submitted::Queued(id)
    }

    pub(crate) fn poll(&mut self, id: &str) -> Polled {
        self.polls += 1;
        if let Some(fault) = self.poll_faults.pop_front() {
            return Polled::Fault(fault);
        }
        let Some(job) = self.jobs.get_mut(id) else { return Polled::Unknown };
        let polled = if job.cancelled {
            Polled::Cancelled
        } else if let Some(message) = job.fails {
            Polled::Failed(message)
        } else if job.waiting > 0 {
            job.waiting -= 1;
            return Polled::Waiting;
        } else if job.polls_left > 0 {
            job.polls_left -= 1;
            return Polled::Running(50);
        } else {
            Polled::Succeeded
        };
        if !std::mem::replace(&mut job.ended, true) {
            self.in_flight -= 1;
        }
        polled
    }

    pub(crate) fn cancel(&mut self, id: &str) -> bool {
        self.cancels.push(id.to_owned());
        self.jobs.get_mut(id).map(|job| job.cancelled = true).is_some()
    }

    /// The jobs not ended, by id, whether each still waits in the queue, and its number.
    pub(crate) fn unfinished(&self) -> Vec<(String, bool, i64)> {
        let open = self.jobs.iter().filter(|(_, job)| !job.ended && !job.cancelled);
        open.map(|(id, job)| (id.clone(), job.waiting > 0, job.number)).collect()
    }

    pub(crate) fn job(&self, id: &str) -> Option<Job> {
        self.jobs.get(id).cloned()
    }

    pub(crate) fn base_url(&self) -> &str {
        &self.base_url
    }
}

/// The media a job makes: a PNG, or an MP4 for video.
pub(crate) async fn media(video: bool) -> Response {
    let (media_type, bytes) = if video { ("video/mp4", tiny_mp4().await) } else { ("image/png", tiny_png()) };
    ([("content-type", media_type)], bytes).into_response()
}

/// `GET /files/{id}`: the file a job made (where Replicate and fal point to results).
pub(crate) async fn job_file(
    axum::extract::State(state): axum::extract::State<Shared>,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Response {
    let job = state.lock().unwrap().job(&id);
    match job {
        Some(job) => media(job.video).await,
        None => (StatusCode::NOT_FOUND, "Not found.").into_response(),
    }
}

/// A valid two-second 480p MP4 at 12 fps, made once by the embedded generator.
pub async fn tiny_mp4() -> Vec<u8> {
    use server::provider::{Embedded, Job, Provider, Submitted};
    static CLIP: tokio::sync::OnceCell<Vec<u8>> = tokio::sync::OnceCell::const_new();
    let made = CLIP.get_or_init(|| async {
        let params = serde_json::json!({
            "kind": "video", "prompt": "a fake service's clip", "duration_secs": 2, "resolution": "480p",
            "fps": 12, "seed": 1
        });
        let job = Job { task_id: uuid::Uuid::nil(), params: serde_json::from_value(params).unwrap() };
        match Embedded.submit(&job, &|_| {}).await {
            Ok(Submitted::Done(output)) => output.bytes,
            _ => panic!("the embedded generator makes a clip"),
        }
    });
    made.await.clone()
}

/// The faults every protocol answers alike; `error` renders the service's error body.
pub(crate) async fn fault(behaviour: Behaviour, error: impl Fn(u16, &str, &str) -> Response) -> Response {
    match behaviour {
        Behaviour::Status(status) => error(status, "server_error", "The server is overloaded."),
        Behaviour::RateLimited { retry_after_ms } => {
            let mut res = error(429, "rate_limit_exceeded", "Request was throttled.");
            let headers = res.headers_mut();
            headers.insert("retry-after-ms", retry_after_ms.to_string().parse().unwrap());
            headers.insert("retry-after", retry_after_ms.div_ceil(1000).to_string().parse().unwrap());
            res
        }
        // As OpenAI's GPT Image refuses (DALL·E says `content_policy_violation`).
        Behaviour::ContentPolicy => error(400, "moderation_blocked", "Your request was rejected by the safety system."),
        Behaviour::Malformed => (StatusCode::OK, [("content-type", "application/json")], "{\"id\": ").into_response(),
        Behaviour::Drop => panic!("the fake drops this connection (a deliberate fault, not a test failure)"),
        Behaviour::SlowBody => {
            let trickle = futures_util::stream::unfold(0, |n| async move {
                tokio::time::sleep(Duration::from_millis(100)).await;
                (n < 100).then(|| (Ok::<_, std::io::Error>(axum::body::Bytes::from_static(b" ")), n + 1))
            });
            (StatusCode::OK, [("content-type", "application/json")], axum::body::Body::from_stream(trickle))
                .into_response()
        }
        Behaviour::Hang => std::future::pending().await,
        other => unreachable!("{other:?} is not a fault"),
    }
}
