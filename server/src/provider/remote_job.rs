//! A job queued at a service, as its task records it: `<service>:<id>`. The service's name
//! comes first so that a resumed attempt polls only a job of its own service, and a cancel
//! goes to the service that holds the job. This is the one place that writes and reads
//! that form.

use std::fmt;

/// A queued job: the service's name and its id there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteJobId {
    service: String,
    id: String,
}

impl RemoteJobId {
    pub fn new(service: &str, id: &str) -> Self {
        Self { service: service.to_owned(), id: id.to_owned() }
    }

    /// Reads a recorded job; `None` for text not of the form `<service>:<id>`.
    pub fn parse(recorded: &str) -> Option<Self> {
        let (service, id) = recorded.split_once(':')?;
        (!service.is_empty() && !id.is_empty()).then(|| Self::new(service, id))
    }

    pub fn service(&self) -> &str {
        &self.service
    }

    /// The job's id at its service.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The job's id, if it is queued at `service`.
    pub fn at(&self, service: &str) -> Option<&str> {
        (self.service == service).then_some(self.id.as_str())
    }
}

impl fmt::Display for RemoteJobId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.service, self.id)
    }
}

#[cfg(test)]
mod tests {
    use super::RemoteJobId;

    #[test]
    fn a_recorded_job_reads_back_as_written() {
        let job = RemoteJobId::new("fal", "fal-ai/ltx-video:req-1");
        assert_eq!(job.to_string(), "fal:fal-ai/ltx-video:req-1");
        assert_eq!(RemoteJobId::parse(&job.to_string()), Some(job.clone()), "an id may hold colons itself");
        assert_eq!((job.service(), job.id()), ("fal", "fal-ai/ltx-video:req-1"));
        assert_eq!(job.at("fal"), Some("fal-ai/ltx-video:req-1"));
        assert_eq!(job.at("replicate"), None, "another service's job is not resumed");
    }

    #[test]
    fn text_of_another_form_is_no_job() {
        for bad in ["", "abc", ":abc", "fal:"] {
            assert_eq!(RemoteJobId::parse(bad), None, "{bad:?}");
        }
    }
}
