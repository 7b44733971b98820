"""Deploy a built site to S3-compatible hosting (boto3 lives only at this edge)."""
