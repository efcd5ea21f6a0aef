#!/usr/bin/env python3
"""A client that is not ours: Python grpcio stubs generated from proto/ by grpcio-tools.

Usage: scenario.py HOST:PORT TOKEN_CRM TOKEN_REPORTING GEN_DIR

Checks the health service, receives a complaint, records initial contact, reads it back
as a case worker (personal data present) and as reporting (personal data absent), and
checks that a bad request is refused with INVALID_ARGUMENT and a stale etag with ABORTED.
Prints "N passed, N failed" and exits non-zero on any failure.
"""
import sys
import time
import uuid

sys.path.insert(0, sys.argv[4])

import grpc  # noqa: E402
from google.protobuf.timestamp_pb2 import Timestamp  # noqa: E402
from grpc_health.v1 import health_pb2, health_pb2_grpc  # noqa: E402
from redress.v1 import calendar_pb2, complaint_pb2 as c, complaint_pb2_grpc as cg  # noqa: E402

target, crm_token, reporting_token = sys.argv[1], sys.argv[2], sys.argv[3]
channel = grpc.insecure_channel(target)
stub = cg.ComplaintServiceStub(channel)
crm = [("authorization", "Bearer " + crm_token)]
reporting = [("authorization", "Bearer " + reporting_token)]
passed, failed = 0, 0


def check(name, condition):
    global passed, failed
    if condition:
        passed += 1
        print(f"ok   {name}")
    else:
        failed += 1
        print(f"FAIL {name}")


def code_of(call):
    try:
        call()
    except grpc.RpcError as e:
        return e.code()
    return grpc.StatusCode.OK


health = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(service=""))
check("health check says SERVING", health.status == health_pb2.HealthCheckResponse.SERVING)

complaint_id = "py-" + uuid.uuid4().hex[:12]
received = Timestamp()
received.FromSeconds(int(time.time()) - 3600)
receive = c.ReceiveComplaintRequest(
    complaint_id=complaint_id,
    request_id=uuid.uuid4().hex,
    receive_time=received,
    channel=c.CHANNEL_EMAIL,
    categories=["payment_delay"],
    team="crt-leeds",
    region=calendar_pb2.REGION_ENGLAND_AND_WALES,
    complainant=c.ComplainantDetails(
        display_name="Pythonia Client", email="pythonia@example.org", phone="07700900999",
        preferred_contact=c.CONTACT_METHOD_EMAIL,
    ),
)
created = stub.ReceiveComplaint(receive, metadata=crm)
check("complaint received", created.name == "complaints/" + complaint_id and created.etag == "1")
check("initial contact is due", created.tiers[0].initial_contact_due_time.seconds > received.seconds)
again = stub.ReceiveComplaint(receive, metadata=crm)
check("same request_id returns the first result", again.etag == "1")

contacted = stub.RecordInitialContact(c.RecordInitialContactRequest(
    name=created.name, request_id=uuid.uuid4().hex, etag=created.etag,
    method=c.CONTACT_METHOD_EMAIL,
    issues=[c.ComplaintIssue(issue_id="i1", summary="payment late")],
    resolution_sought="pay me",
), metadata=crm)
check("initial contact recorded", contacted.etag == "2" and contacted.tiers[0].HasField("initial_contact_time"))

stale = code_of(lambda: stub.HoldCaseConference(c.HoldCaseConferenceRequest(
    name=created.name, request_id=uuid.uuid4().hex, etag="1", decision="x"), metadata=crm))
check("stale etag is ABORTED", stale == grpc.StatusCode.ABORTED)

bad = code_of(lambda: stub.AwardSpecialPayment(c.AwardSpecialPaymentRequest(
    name=created.name, request_id=uuid.uuid4().hex, payment_id="p1",
    kind=c.PAYMENT_KIND_CONSOLATORY, amount_pence=-5, reason="x"), metadata=crm))
check("negative amount is INVALID_ARGUMENT", bad == grpc.StatusCode.INVALID_ARGUMENT)

mine = stub.GetComplaint(c.GetComplaintRequest(name=created.name), metadata=crm)
check("case worker sees personal data", mine.complainant.display_name == "Pythonia Client")
theirs = stub.GetComplaint(c.GetComplaintRequest(name=created.name), metadata=reporting)
check("reporting sees no personal data", not theirs.HasField("complainant"))
check("no token is UNAUTHENTICATED",
      code_of(lambda: stub.GetComplaint(c.GetComplaintRequest(name=created.name))) == grpc.StatusCode.UNAUTHENTICATED)

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
