//! Blobs in an S3-compatible object store (Garage, MinIO, Ceph, AWS…),
//! through the `object_store` crate: `BUCKET/PREFIX/ab/abcd…` by key. A
//! PUT is acknowledged once the store holds the object (with Garage, on its
//! disks when `data_fsync` is on), so there is no batch sync to wait for.

use futures_util::StreamExt;
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::path::Path;
use object_store::{BackoffConfig, ClientOptions, RetryConfig};
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};

use super::{is_key, Leftover};
use crate::{Result, StoreError};

/// Where the objects are: `s3://BUCKET[/PREFIX][?endpoint=URL&region=NAME]`.
/// The keys come from the environment (`AWS_ACCESS_KEY_ID`,
/// `AWS_SECRET_ACCESS_KEY`), never from the URL, so that they are neither
/// logged nor shown by `ps`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Spec {
    pub bucket: String,
    pub prefix: String,
    pub endpoint: Option<String>,
    pub region: Option<String>,
}

impl S3Spec {
    pub fn parse(url: &str) -> std::result::Result<S3Spec, String> {
        let u = url::Url::parse(url).map_err(|e| format!("{url}: {e}"))?;
        if u.scheme() != "s3" {
            return Err(format!("{url}: an object store is s3://BUCKET[/PREFIX]"));
        }
        let bucket = u.host_str().filter(|b| !b.is_empty()).ok_or_else(|| format!("{url}: no bucket"))?.to_string();
        if !u.username().is_empty() || u.password().is_some() {
            return Err(format!("{url}: give the keys in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, not in the URL"));
        }
        let prefix = u.path().trim_matches('/').to_string();
        let (mut endpoint, mut region) = (None, None);
        for (k, v) in u.query_pairs() {
            match &*k {
                "endpoint" => endpoint = Some(v.into_owned()),
                "region" => region = Some(v.into_owned()),
                other => return Err(format!("{url}: unknown setting '{other}' (endpoint, region)")),
            }
        }
        Ok(S3Spec { bucket, prefix, endpoint, region })
    }
}

impl std::fmt::Display for S3Spec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "s3://{}", self.bucket)?;
        if !self.prefix.is_empty() {
            write!(f, "/{}", self.prefix)?;
        }
        let mut sep = '?';
        for (k, v) in [("endpoint", &self.endpoint), ("region", &self.region)] {
            if let Some(v) = v {
                write!(f, "{sep}{k}={v}")?;
                sep = '&';
            }
        }
        Ok(())
    }
}

fn err(e: object_store::Error) -> StoreError {
    StoreError::Blobs(e.to_string())
}

#[derive(Debug)]
pub(super) struct S3 {
    store: AmazonS3,
    prefix: String,
}

impl S3 {
    pub(super) fn open(spec: &S3Spec) -> Result<S3> {
        // TLS through rustls with ring, the one provider the build carries.
        let _ = rustls::crypto::ring::default_provider().install_default();
        // A store that does not answer is said so within seconds (a request
        // waits for it, and so does a load balancer's readiness check), not
        // after the client's default three minutes of retries.
        let retry = RetryConfig {
            backoff: BackoffConfig {
                init_backoff: std::time::Duration::from_millis(100),
                max_backoff: std::time::Duration::from_secs(1),
                base: 2.0,
            },
            max_retries: 2,
            retry_timeout: std::time::Duration::from_secs(5),
        };
        let options = ClientOptions::new()
            .with_connect_timeout(std::time::Duration::from_secs(2))
            .with_timeout(std::time::Duration::from_secs(30));
        let mut b = AmazonS3Builder::from_env()
            .with_bucket_name(&spec.bucket)
            .with_disable_tagging(true)
            .with_retry(retry)
            .with_client_options(options);
        if let Some(e) = &spec.endpoint {
            b = b.with_endpoint(e).with_allow_http(e.starts_with("http://"));
        }
        if let Some(r) = &spec.region {
            b = b.with_region(r);
        }
        Ok(S3 { store: b.build().map_err(err)?, prefix: spec.prefix.clone() })
    }

    fn location(&self, key: &str) -> Path {
        match self.prefix.as_str() {
            "" => Path::from(format!("{}/{key}", &key[..2])),
            p => Path::from(format!("{p}/{}/{key}", &key[..2])),
        }
    }

    /// The bucket answers (a missing probe object is an answer).
    pub(super) async fn ready(&self) -> bool {
        let probe = match self.prefix.as_str() {
            "" => Path::from(".ready"),
            p => Path::from(format!("{p}/.ready")),
        };
        matches!(self.store.head(&probe).await, Ok(_) | Err(object_store::Error::NotFound { .. }))
    }

    pub(super) async fn put(&self, key: &str, bytes: Vec<u8>) -> Result<()> {
        self.store.put(&self.location(key), PutPayload::from(bytes)).await.map_err(err)?;
        Ok(())
    }

    pub(super) async fn get(&self, key: &str) -> Result<Vec<u8>> {
        match self.store.get(&self.location(key)).await {
            Ok(r) => Ok(r.bytes().await.map_err(err)?.to_vec()),
            Err(object_store::Error::NotFound { .. }) => Err(StoreError::NotFound),
            Err(e) => Err(err(e)),
        }
    }

    pub(super) async fn delete(&self, key: &str) {
        if let Err(e) = self.store.delete(&self.location(key)).await {
            tracing::warn!(error = %e, key, "object not deleted; the sweep will");
        }
    }

    /// The objects under the prefix older than `cutoff`, by key.
    pub(super) async fn older_than(&self, cutoff: std::time::SystemTime) -> Result<Vec<Leftover>> {
        let cutoff: chrono::DateTime<chrono::Utc> = cutoff.into();
        let prefix = (!self.prefix.is_empty()).then(|| Path::from(self.prefix.as_str()));
        let mut list = self.store.list(prefix.as_ref());
        let mut out = Vec::new();
        while let Some(meta) = list.next().await {
            let meta = meta.map_err(err)?;
            let Some(name) = meta.location.filename().map(str::to_string) else { continue };
            if meta.last_modified < cutoff && is_key(&name) && self.location(&name) == meta.location {
                out.push(Leftover { at: meta.location.to_string(), key: Some(name) });
            }
        }
        Ok(out)
    }

    pub(super) async fn remove(&self, doomed: &[Leftover]) {
        for l in doomed {
            if let Err(e) = self.store.delete(&Path::from(l.at.as_str())).await {
                tracing::warn!(error = %e, at = %l.at, "orphan not removed");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_object_store_is_named_by_a_url_without_its_keys() {
        let s = S3Spec::parse("s3://egov/files?endpoint=http://127.0.0.1:3900&region=garage").unwrap();
        assert_eq!(s.bucket, "egov");
        assert_eq!(s.prefix, "files");
        assert_eq!(s.endpoint.as_deref(), Some("http://127.0.0.1:3900"));
        assert_eq!(s.region.as_deref(), Some("garage"));
        assert_eq!(s.to_string(), "s3://egov/files?endpoint=http://127.0.0.1:3900&region=garage");
        assert_eq!(S3Spec::parse("s3://b").unwrap().to_string(), "s3://b");
        assert!(S3Spec::parse("s3://key:secret@b").unwrap_err().contains("AWS_ACCESS_KEY_ID"));
        assert!(S3Spec::parse("s3://b?acl=public").unwrap_err().contains("acl"));
        assert!(S3Spec::parse("http://b").is_err());
        assert!(S3Spec::parse("s3:///x").is_err());
    }
}
