//! Values only AWS knows, resolved once per run in one round of concurrent
//! calls: the account id (STS), the KMS key's ARN (DescribeKey) and, for
//! organization trails, the organization id.
//!
//! The round is a shared future (`Pending`): reads that do not need its
//! values run alongside it, and the few that do (a tag listing by ARN, a
//! topic ARN with the account in it, a key policy read through an alias)
//! await it only for that call.

use std::collections::BTreeMap;
use std::sync::Arc;

use ctrail_graph::ResourceGraph;
use ctrail_kinds::door::{KeyForms, Pending, Reach, Resolved, guarded};
use ctrail_kinds::{Attributes, LiveReads, ReadError};
use ctrail_model::{Address, LiveContext, Place, Placeholder};
use ctrail_spec::Spec;
use futures::FutureExt;

pub(crate) fn start<'a>(
    accounts: &'a impl Reach,
    spec: &'a Spec,
    graph: &'a ResourceGraph,
    known: Option<(LiveContext, KeyForms)>,
) -> Pending<'a> {
    async move {
        let (context, keys) = match known {
            Some(k) => k,
            None => resolve(accounts, spec, graph).await?,
        };
        let desired: BTreeMap<Address, Attributes> = graph
            .resources()
            .map(|r| {
                let v = r
                    .desired
                    .resolved(&r.address.name, &|p| context.value(p))
                    .map_err(|e| ReadError::Unexpected(e.to_string()))?;
                Ok((r.address.clone(), v))
            })
            .collect::<Result<_, ReadError>>()?;
        Ok(Arc::new(Resolved {
            context,
            keys,
            desired,
        }))
    }
    .boxed()
    .shared()
}

async fn resolve(
    accounts: &impl Reach,
    spec: &Spec,
    graph: &ResourceGraph,
) -> Result<(LiveContext, KeyForms), ReadError> {
    // Every account the spec names is asked who it is before anything is
    // read from any of them.
    accounts.guard().await?;
    let needs_org = graph.placeholders().contains(&Placeholder::OrganizationId);
    let sts = accounts.at(Place::Trail).account_id();
    let kms = async {
        match &spec.kms {
            None => Ok(None),
            // The key is read in its own account (`kms_key_account`).
            Some(k) => accounts.spec_key(k).await,
        }
    };
    let org = async {
        if !needs_org {
            return Ok(None);
        }
        accounts.organization_id().await
    };
    let (identity, key, org) = tokio::join!(sts, kms, org);
    let account_id = guarded(spec, identity?)?;
    let forms = match (&spec.kms, key?) {
        (Some(_), Some(meta)) => key_forms(spec, &account_id, meta.arn, meta.key_id),
        _ => KeyForms::default(),
    };
    let context = LiveContext {
        account_id,
        organization_id: org?,
        kms_key_arn: forms.arn.clone(),
        organization_unknown: false,
    };
    Ok((context, forms))
}

/// Every way the spec's key may be written (its id, as the spec writes it,
/// its alias's ARN, its ARN), so that a live value in any of them is the
/// same key.
fn key_forms(spec: &Spec, account_id: &str, arn: Option<String>, key_id: String) -> KeyForms {
    let mut forms = KeyForms::default();
    let Some(k) = &spec.kms else {
        return forms;
    };
    let written = k.key.as_str().to_owned();
    forms.forms.push(key_id);
    forms.forms.push(written.clone());
    if let Some(alias) = written.strip_prefix("alias/") {
        // The alias is the key's account's, which its ARN names.
        let owner = arn
            .as_deref()
            .and_then(ctrail_model::arn::Arn::parse)
            .map(|a| a.account)
            .unwrap_or(account_id);
        forms.forms.push(format!(
            "arn:{}:kms:{}:{owner}:alias/{alias}",
            spec.partition, spec.region
        ));
    }
    if let Some(a) = &arn {
        forms.forms.push(a.clone());
    }
    forms.arn = arn;
    forms
}

/// The context a run already read (the apply's plan, for its verifying
/// re-read): nothing to ask again, when it holds the key's ARN wherever the
/// spec has a key (a key this apply created was not known to the plan).
pub(crate) fn known(spec: &Spec, context: &LiveContext) -> Option<(LiveContext, KeyForms)> {
    let forms = match (&spec.kms, &context.kms_key_arn) {
        (None, _) => KeyForms::default(),
        (Some(_), None) => return None,
        (Some(_), Some(arn)) => {
            let key_id = arn.rsplit('/').next().unwrap_or(arn).to_owned();
            key_forms(spec, &context.account_id, Some(arn.clone()), key_id)
        }
    };
    Some((context.clone(), forms))
}

/// The caller's organization, for a spec whose trail is not an organization
/// trail (which reads it with the context): every request a service
/// principal makes for an account in an organization carries
/// `aws:SourceOrgID` (IAM User Guide, "AWS global condition context keys"),
/// which the preflight sends. Read beside the resources, after the account
/// guard. `Ok(None)`: the account is in no organization
/// (AWSOrganizationsNotInUseException); `Err(())`: the organization could
/// not be asked (a caller without organizations:DescribeOrganization), so
/// the key is unknown, never assumed absent.
pub(crate) async fn organization(accounts: &impl Reach) -> Result<Option<String>, ()> {
    match accounts.organization_id().await {
        Ok(id) => Ok(id),
        Err(e) if e.code() == Some("AWSOrganizationsNotInUseException") => Ok(None),
        Err(e) => {
            // Said only where it matters: a statement turning on the key is
            // a "cannot judge" finding.
            tracing::debug!(error = %e, "organizations:DescribeOrganization failed: conditions on aws:SourceOrgID cannot be judged");
            Err(())
        }
    }
}
