//! The batch endpoints: create (201, or 207 when some inputs failed), read, update and upsert
//! (200/207), archive (204). Each input succeeds or fails on its own; a failed one becomes a
//! `StandardError` in `errors[]` naming the input. At most 100 inputs, as HubSpot allows. An
//! `idProperty` that cannot identify objects fails the whole request (400), as HubSpot answers
//! "Unable to perform update/upsert by non-unique … property" for the batch.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::auth::CrmCall;
use super::judged::{self, CallJudge};
use super::objects::just_written;
use super::query::QueryParams;
use super::reply::{json, read_body, shared};
use crate::api::error::ApiError;
use crate::clock::Timestamp;
use crate::crm::input::id_text;
use crate::crm::{ObjectInput, ObjectType, ObjectView, PortalCrm, ReadOptions, WrittenObject};

/// HubSpot's cap on a batch's inputs.
pub const MAX_BATCH_INPUTS: usize = 100;

#[derive(Deserialize)]
struct Inputs<T> {
    inputs: Vec<T>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ReadInputs {
    inputs: Vec<IdInput>,
    #[serde(default)]
    properties: Vec<String>,
    #[serde(default)]
    properties_with_history: Vec<String>,
    #[serde(default)]
    id_property: Option<String>,
}

#[derive(Deserialize)]
struct IdInput {
    #[serde(deserialize_with = "id_text")]
    id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UpdateInput {
    #[serde(deserialize_with = "id_text")]
    id: String,
    #[serde(default)]
    id_property: Option<String>,
    #[serde(deserialize_with = "crate::crm::input::scalar_properties")]
    properties: Map<String, Value>,
    /// Sent by the official clients; read (a string or null) and otherwise unused.
    #[serde(default)]
    #[allow(dead_code)]
    object_write_trace_id: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BatchResponse {
    status: &'static str,
    results: Vec<ObjectView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    num_errors: Option<usize>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    errors: Vec<Value>,
    started_at: Timestamp,
    completed_at: Timestamp,
}

/// What a batch did, input by input: the results in order, and an error for each failed input
/// (with its id or position in `context`).
struct Outcome<R> {
    started_at: Timestamp,
    results: Vec<R>,
    errors: Vec<Value>,
}

impl<R> Outcome<R> {
    /// The same outcome, each result made into another (the errors as they are).
    fn map<S>(self, f: impl FnMut(R) -> S) -> Outcome<S> {
        Outcome {
            started_at: self.started_at,
            results: self.results.into_iter().map(f).collect(),
            errors: self.errors,
        }
    }
}

/// Runs `each` on every input, gathering results and errors.
fn run_each<'a, T, R>(
    inputs: &'a [T],
    mut each: impl FnMut(&'a T) -> Result<R, ApiError>,
    label: impl Fn(usize, &T) -> (String, String),
) -> Outcome<R> {
    let started_at = Timestamp::now();
    let mut results = Vec::new();
    let mut errors = Vec::new();
    for (index, input) in inputs.iter().enumerate() {
        match each(input) {
            Ok(result) => results.push(result),
            Err(error) => {
                let (key, value) = label(index, input);
                errors.push(standard_error(&error, json!({ key: [value] })));
            }
        }
    }
    Outcome {
        started_at,
        results,
        errors,
    }
}

/// The batch's answer: `ok`, or 207 when something failed.
fn respond(outcome: Outcome<ObjectView>, ok: StatusCode) -> HttpResponse {
    let Outcome {
        started_at,
        results,
        errors,
    } = outcome;
    let status = if errors.is_empty() {
        ok
    } else {
        StatusCode::MULTI_STATUS
    };
    let body = BatchResponse {
        status: "COMPLETE",
        results,
        num_errors: (!errors.is_empty()).then_some(errors.len()),
        errors,
        started_at,
        completed_at: Timestamp::now(),
    };
    json(status, &body)
}

/// One input's object as its write left it, answered once the portal's lock is released.
struct Written<'a> {
    object: WrittenObject,
    /// The properties the input wrote (the answer shows them).
    set: &'a Map<String, Value>,
    /// Upserts only: whether the object was created.
    new: Option<bool>,
}

impl<'a> Written<'a> {
    /// The object `id` a write of `set` just stored in `crm`, copied for its answer.
    fn copy(
        crm: &PortalCrm,
        object_type: ObjectType,
        id: u64,
        set: &'a Map<String, Value>,
    ) -> Self {
        let object = just_written(crm, object_type, id);
        Written {
            object: WrittenObject::answered(object, object_type, set.keys()),
            set,
            new: None,
        }
    }

    fn view(self, object_type: ObjectType) -> ObjectView {
        let mut view = self.object.view(object_type, self.set.keys());
        view.new = self.new;
        view
    }
}

/// A batch that writes, the one shape of create, update and upsert: `check` looks at the whole
/// batch first (a 400 refuses it all), then `write` runs on every input under the portal's lock
/// and gives the id written with a copy of the object; the answer is made from the copies once
/// the lock is released, and every call written is judged (`judged`) as the whole batch left it.
fn write_batch<'a, T>(
    req: &HttpRequest,
    call: &CrmCall,
    inputs: &'a [T],
    ok: StatusCode,
    check: impl FnOnce(&PortalCrm) -> Result<(), ApiError>,
    mut write: impl FnMut(&mut PortalCrm, &'a T) -> Result<(u64, Written<'a>), ApiError>,
    label: impl Fn(usize, &T) -> (String, String),
) -> Result<HttpResponse, ApiError> {
    let judge = CallJudge::of(req, call);
    let (outcome, calls) = shared(req).store.crm().write(call.portal_id, |crm| {
        check(crm)?;
        let mut ids = Vec::new();
        let outcome = run_each(
            inputs,
            |input| {
                let (id, written) = write(crm, input)?;
                ids.push(id);
                Ok(written)
            },
            label,
        );
        Ok::<_, ApiError>((outcome, judge.copy(crm, &ids)))
    })?;
    let response = respond(outcome.map(|written| written.view(call.object_type)), ok);
    judged::journal(req, call, judge.judge(calls));
    Ok(response)
}

/// An error as one entry of a batch's `errors[]` (HubSpot's `StandardError`).
fn standard_error(error: &ApiError, context: Value) -> Value {
    let body = error.body("");
    let mut entry = json!({
        "status": "error",
        "category": error.category(),
        "message": body["message"],
        "context": context,
        "links": {},
        "errors": body.get("errors").cloned().unwrap_or_else(|| json!([])),
    });
    if let Some(sub) = body.get("subCategory") {
        entry["subCategory"] = sub.clone();
    }
    entry
}

/// Every `idProperty` of the request can identify objects of the type; else a 400 for the batch.
fn check_id_properties<'a>(
    crm: &crate::crm::PortalCrm,
    object_type: crate::crm::ObjectType,
    names: impl IntoIterator<Item = Option<&'a str>>,
) -> Result<(), ApiError> {
    for name in names.into_iter().flatten() {
        crm.check_id_property(object_type, name)?;
    }
    Ok(())
}

fn check_count(count: usize) -> Result<(), ApiError> {
    if count > MAX_BATCH_INPUTS {
        return Err(ApiError::bad_request(format!(
            "The batch has {count} inputs; HubSpot takes at most {MAX_BATCH_INPUTS} per request. Split it into several batches."
        )));
    }
    Ok(())
}

pub async fn create(
    call: CrmCall,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let body: Inputs<ObjectInput> = read_body(
        &req,
        payload,
        "BatchInputSimplePublicObjectBatchInputForCreate",
        r#"{"inputs": [{"properties": {"hs_timestamp": "2026-11-27T17:30:00.000Z"}, "associations": []}]}"#,
    )
    .await?;
    check_count(body.inputs.len())?;
    let source = call.source();
    write_batch(
        &req,
        &call,
        &body.inputs,
        StatusCode::CREATED,
        |_| Ok(()),
        |crm, input| {
            let id = crm.create(call.object_type, input, &source)?;
            let written = Written::copy(crm, call.object_type, id, &input.properties);
            Ok((id, written))
        },
        |index, _| ("inputs".into(), index.to_string()),
    )
}

pub async fn read(
    call: CrmCall,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let query = QueryParams::parse(req.query_string());
    let archived = query.flag("archived")?;
    let body: ReadInputs = read_body(
        &req,
        payload,
        "BatchReadInputSimplePublicObjectId",
        r#"{"inputs": [{"id": "100001"}], "properties": ["hs_call_title"], "propertiesWithHistory": []}"#,
    )
    .await?;
    check_count(body.inputs.len())?;
    let options = ReadOptions {
        properties: body.properties,
        properties_with_history: body.properties_with_history,
        associations: Vec::new(),
        archived,
    };
    let id_property = body.id_property;
    shared(&req).store.crm().read(call.portal_id, |crm| {
        check_id_properties(crm, call.object_type, [id_property.as_deref()])?;
        let outcome = run_each(
            &body.inputs,
            |input| {
                let object = crm.find(
                    call.object_type,
                    &input.id,
                    id_property.as_deref(),
                    archived,
                )?;
                Ok(crm.render(call.object_type, object, &options))
            },
            |_, input| ("ids".into(), input.id.clone()),
        );
        Ok(respond(outcome, StatusCode::OK))
    })
}

pub async fn update(
    call: CrmCall,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let body: Inputs<UpdateInput> = read_body(
        &req,
        payload,
        "BatchInputSimplePublicObjectBatchInput",
        r#"{"inputs": [{"id": "100001", "properties": {"hs_call_status": "COMPLETED"}}]}"#,
    )
    .await?;
    check_count(body.inputs.len())?;
    let source = call.source();
    write_batch(
        &req,
        &call,
        &body.inputs,
        StatusCode::OK,
        |crm| {
            check_id_properties(
                crm,
                call.object_type,
                body.inputs.iter().map(|i| i.id_property.as_deref()),
            )
        },
        |crm, input| {
            let id = crm.update(
                call.object_type,
                &input.id,
                input.id_property.as_deref(),
                &input.properties,
                &source,
            )?;
            let written = Written::copy(crm, call.object_type, id, &input.properties);
            Ok((id, written))
        },
        |_, input| ("ids".into(), input.id.clone()),
    )
}

pub async fn upsert(
    call: CrmCall,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let body: Inputs<UpdateInput> = read_body(
        &req,
        payload,
        "BatchInputSimplePublicObjectBatchInputUpsert",
        r#"{"inputs": [{"id": "ext-1", "idProperty": "hs_call_external_id", "properties": {"hs_timestamp": "2026-11-27T17:30:00.000Z"}}]}"#,
    )
    .await?;
    check_count(body.inputs.len())?;
    let source = call.source();
    write_batch(
        &req,
        &call,
        &body.inputs,
        StatusCode::OK,
        |crm| {
            check_id_properties(
                crm,
                call.object_type,
                body.inputs.iter().map(|i| i.id_property.as_deref()),
            )
        },
        |crm, input| {
            let (id, new) = crm.upsert(
                call.object_type,
                input.id_property.as_deref(),
                &input.id,
                &input.properties,
                &source,
            )?;
            let mut written = Written::copy(crm, call.object_type, id, &input.properties);
            written.new = Some(new);
            Ok((id, written))
        },
        |_, input| ("ids".into(), input.id.clone()),
    )
}

pub async fn archive(
    call: CrmCall,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let body: Inputs<IdInput> = read_body(
        &req,
        payload,
        "BatchInputSimplePublicObjectId",
        r#"{"inputs": [{"id": "100001"}]}"#,
    )
    .await?;
    check_count(body.inputs.len())?;
    shared(&req).store.crm().write(call.portal_id, |crm| {
        // HubSpot answers 204 whatever the ids: an unknown one is skipped.
        for input in &body.inputs {
            let _ = crm.archive(call.object_type, &input.id);
        }
    });
    Ok(HttpResponse::NoContent().finish())
}
