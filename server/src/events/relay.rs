//! Live events across server instances that share PostgreSQL: every event published here
//! is also sent with `pg_notify` on one channel, and every other instance's events are
//! received with `LISTEN` and delivered locally. So a browser connected to one instance
//! follows tasks another instance runs, and an idle instance's scheduler wakes for work
//! submitted elsewhere. SQLite has one process and needs none of this.

use super::{Audience, Events};
use app::domain::TaskEvent;
use sea_orm::sqlx::postgres::PgListener;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

const CHANNEL: &str = "atelier_events";
/// PostgreSQL refuses payloads of 8000 bytes or more; larger events travel as `resync`.
const MAX_PAYLOAD: usize = 7900;

#[derive(Serialize, Deserialize)]
struct Message {
    origin: String,
    to: Audience,
    event: TaskEvent,
}

/// The running relay.
pub struct Relay {
    tasks: Vec<JoinHandle<()>>,
    stop: CancellationToken,
}

impl Relay {
    /// Stops relaying (after the engine's last events) and lets go of the connections.
    pub async fn stop(self) {
        self.stop.cancel();
        for task in self.tasks {
            let _ = task.await;
        }
    }
}

/// Starts relaying on PostgreSQL; nothing to do on SQLite.
pub async fn start(db: &DatabaseConnection, events: &Events, instance: &str) -> Result<Option<Relay>, sea_orm::DbErr> {
    if db.get_database_backend() != DbBackend::Postgres {
        return Ok(None);
    }
    let to_db = |e: sea_orm::sqlx::Error| sea_orm::DbErr::Custom(format!("event relay: {e}"));
    let mut listener = PgListener::connect_with(db.get_postgres_connection_pool()).await.map_err(to_db)?;
    listener.listen(CHANNEL).await.map_err(to_db)?;
    let (tx, rx) = mpsc::unbounded_channel();
    events.relay_to(tx);
    let stop = CancellationToken::new();
    let until_stopped = |work| {
        let stop = stop.clone();
        tokio::spawn(async move {
            tokio::select! { _ = stop.cancelled() => {}, _ = work => {} }
        })
    };
    let tasks = vec![
        until_stopped(Box::pin(send(db.clone(), rx, instance.to_owned())) as BoxFuture),
        until_stopped(Box::pin(receive(listener, events.clone(), instance.to_owned()))),
    ];
    Ok(Some(Relay { tasks, stop }))
}

type BoxFuture = std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>;

async fn send(db: DatabaseConnection, mut rx: mpsc::UnboundedReceiver<(Audience, TaskEvent)>, origin: String) {
    while let Some((to, event)) = rx.recv().await {
        let mut message = Message { origin: origin.clone(), to, event };
        let mut payload = serde_json::to_string(&message).expect("events always serialise");
        if payload.len() > MAX_PAYLOAD {
            message.event = TaskEvent::Resync;
            payload = serde_json::to_string(&message).expect("events always serialise");
        }
        let notify = Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_notify($1, $2)",
            [CHANNEL.into(), payload.into()],
        );
        if let Err(e) = db.execute_raw(notify).await {
            tracing::warn!("relaying an event to other instances: {e}");
        }
    }
}

async fn receive(mut listener: PgListener, events: Events, instance: String) {
    loop {
        match listener.try_recv().await {
            Ok(Some(notification)) => match serde_json::from_str::<Message>(notification.payload()) {
                Ok(m) if m.origin != instance => events.deliver(m.to, m.event),
                Ok(_) => {}
                Err(e) => tracing::warn!("an unreadable relayed event: {e}"),
            },
            Ok(None) => {
                // Reconnected: whatever was sent meanwhile is lost, so everyone resyncs.
                tracing::warn!("event relay reconnected; asking every stream to resync");
                events.deliver(Audience::Everyone, TaskEvent::Resync);
            }
            Err(e) => {
                tracing::warn!("event relay: {e}; retrying in 1 s");
                tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            }
        }
    }
}
