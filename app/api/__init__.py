"""The JSON API v1: personal access tokens, resources under ``/api/v1`` enforced by
the same gate and write path as the pages, and an OpenAPI document that follows
the owner's live field schema."""
