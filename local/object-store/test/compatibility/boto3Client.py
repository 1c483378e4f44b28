"""Drives the local object store with boto3 (a client nobody here wrote) and prints what it saw as JSON.

Usage: python3 boto3Client.py ENDPOINT WORKDIR. Credentials and region come from the environment the
test sets; the endpoint is always explicit, so nothing reaches the network. Each scenario records its
observations (or the error it met) and the TypeScript test asserts on them.
"""
import hashlib
import json
import os
import sys
import traceback

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.exceptions import ClientError

endpoint, workdir = sys.argv[1], sys.argv[2]
s3 = boto3.client("s3", endpoint_url=endpoint)
resource = boto3.resource("s3", endpoint_url=endpoint)
MiB = 1024 * 1024


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(MiB), b""):
            h.update(block)
    return h.hexdigest()


def error_code(call):
    try:
        call()
    except ClientError as e:
        return {"code": e.response["Error"]["Code"], "status": e.response["ResponseMetadata"]["HTTPStatusCode"]}
    return {"code": None, "status": None}


def buckets_twice():
    s3.create_bucket(Bucket="boto-bucket")
    again = s3.create_bucket(Bucket="boto-bucket")
    return {"second_status": again["ResponseMetadata"]["HTTPStatusCode"]}


def transfer_20mb():
    src = os.path.join(workdir, "twenty.bin")
    with open(src, "wb") as f:
        f.write(os.urandom(20 * MiB))
    config = TransferConfig(multipart_threshold=8 * MiB, multipart_chunksize=8 * MiB, max_concurrency=4)
    s3.upload_file(src, "boto-bucket", "big/twenty.bin", Config=config, ExtraArgs={"Metadata": {"origin": "boto3"}})
    back = os.path.join(workdir, "twenty.back")
    s3.download_file("boto-bucket", "big/twenty.bin", back, Config=config)
    head = s3.head_object(Bucket="boto-bucket", Key="big/twenty.bin", ChecksumMode="ENABLED")
    # A managed copy above the threshold goes part by part (UploadPartCopy).
    s3.copy({"Bucket": "boto-bucket", "Key": "big/twenty.bin"}, "boto-bucket", "big/copy.bin", Config=config)
    copied = os.path.join(workdir, "copy.back")
    s3.download_file("boto-bucket", "big/copy.bin", copied)
    return {
        "same": sha256_file(src) == sha256_file(back),
        "copy_same": sha256_file(src) == sha256_file(copied),
        "etag": head["ETag"],
        "length": head["ContentLength"],
        "metadata": head["Metadata"],
    }


def objects_and_paging():
    for i in range(5):
        s3.put_object(Bucket="boto-bucket", Key=f"page/{i}.json", Body=json.dumps({"i": i}).encode(), ContentType="application/json")
    keys = []
    pages = 0
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket="boto-bucket", Prefix="page/", PaginationConfig={"PageSize": 2}):
        pages += 1
        keys += [o["Key"] for o in page.get("Contents", [])]
    got = s3.get_object(Bucket="boto-bucket", Key="page/3.json", ChecksumMode="ENABLED")
    return {"keys": keys, "pages": pages, "body": got["Body"].read().decode(), "content_type": got["ContentType"]}


def put_if_none_match(**kwargs):
    """put_object with If-None-Match: *. boto3 before 1.35 (Debian 12 ships 1.26) lacks the parameter:
    there the header goes on the request itself, as such callers do."""
    if "IfNoneMatch" in s3.meta.service_model.operation_model("PutObject").input_shape.members:
        return s3.put_object(IfNoneMatch="*", **kwargs)

    def add_header(request, **_):
        request.headers["If-None-Match"] = "*"

    s3.meta.events.register_first("before-sign.s3.PutObject", add_header)
    try:
        return s3.put_object(**kwargs)
    finally:
        s3.meta.events.unregister("before-sign.s3.PutObject", add_header)


def conditional_put():
    put_if_none_match(Bucket="boto-bucket", Key="once", Body=b"first")
    refused = error_code(lambda: put_if_none_match(Bucket="boto-bucket", Key="once", Body=b"second"))
    return {"refused": refused, "body": s3.get_object(Bucket="boto-bucket", Key="once")["Body"].read().decode()}


def multipart_errors():
    up = s3.create_multipart_upload(Bucket="boto-bucket", Key="mp/bad")
    uid = up["UploadId"]
    p1 = s3.upload_part(Bucket="boto-bucket", Key="mp/bad", UploadId=uid, PartNumber=1, Body=b"a" * (5 * MiB))
    p2 = s3.upload_part(Bucket="boto-bucket", Key="mp/bad", UploadId=uid, PartNumber=2, Body=b"b")
    parts = [{"PartNumber": 1, "ETag": p1["ETag"]}, {"PartNumber": 2, "ETag": p2["ETag"]}]
    listed = s3.list_multipart_uploads(Bucket="boto-bucket", Prefix="mp/")
    result = {
        "listed": [u["UploadId"] == uid for u in listed.get("Uploads", [])],
        "order": error_code(lambda: s3.complete_multipart_upload(Bucket="boto-bucket", Key="mp/bad", UploadId=uid, MultipartUpload={"Parts": parts[::-1]})),
        "etag": error_code(lambda: s3.complete_multipart_upload(
            Bucket="boto-bucket", Key="mp/bad", UploadId=uid, MultipartUpload={"Parts": [parts[0], {"PartNumber": 2, "ETag": '"' + "0" * 32 + '"'}]})),
        "unknown": error_code(lambda: s3.upload_part(Bucket="boto-bucket", Key="mp/bad", UploadId="nope", PartNumber=1, Body=b"x")),
        "parts_kept": len(s3.list_parts(Bucket="boto-bucket", Key="mp/bad", UploadId=uid)["Parts"]),
    }
    s3.abort_multipart_upload(Bucket="boto-bucket", Key="mp/bad", UploadId=uid)
    result["after_abort"] = error_code(lambda: s3.list_parts(Bucket="boto-bucket", Key="mp/bad", UploadId=uid))
    return result


def empty_versioned_bucket():
    s3.create_bucket(Bucket="boto-versions")
    s3.put_bucket_versioning(Bucket="boto-versions", VersioningConfiguration={"Status": "Enabled"})
    for round_ in range(5):
        for i in range(60):
            s3.put_object(Bucket="boto-versions", Key=f"k{i:03d}", Body=f"{round_}".encode())
    s3.delete_objects(Bucket="boto-versions", Delete={"Objects": [{"Key": f"k{i:03d}"} for i in range(0, 60, 2)], "Quiet": True})
    before = sum(1 for _ in resource.Bucket("boto-versions").object_versions.page_size(100))
    # boto3's own way to empty a versioned bucket: it pages ListObjectVersions and deletes page by page.
    resource.Bucket("boto-versions").object_versions.page_size(100).delete()
    left = s3.list_object_versions(Bucket="boto-versions")
    s3.delete_bucket(Bucket="boto-versions")
    return {"before": before, "left": len(left.get("Versions", [])) + len(left.get("DeleteMarkers", [])), "gone": error_code(lambda: s3.head_bucket(Bucket="boto-versions"))}


report = {}
for scenario in [buckets_twice, transfer_20mb, objects_and_paging, conditional_put, multipart_errors, empty_versioned_bucket]:
    try:
        report[scenario.__name__] = scenario()
    except Exception:  # noqa: BLE001 - the test shows the trace
        report[scenario.__name__] = {"error": traceback.format_exc()}
print(json.dumps(report))
