"""
schemathesis hooks (SCHEMATHESIS_HOOKS=scripts/api-twin/hooks.py): leave out request bodies holding a
`__proto__` key or a `constructor.prototype` at any depth. The local API refuses them (400, a rule
its OpenAPI document states in words, see src/runners/local-api/api-schemas.ts); the generator meets
`__proto__` among its stock strings and would report the refusal of a schema-valid body.
"""
import schemathesis


def has_prototype_key(value) -> bool:
    level = [value]
    while level:
        below = []
        for node in level:
            if isinstance(node, dict):
                if "__proto__" in node:
                    return True
                if isinstance(node.get("constructor"), dict) and "prototype" in node["constructor"]:
                    return True
                below.extend(node.values())
            elif isinstance(node, list):
                below.extend(node)
        level = below
    return False


@schemathesis.hook
def filter_body(ctx, body):
    return not has_prototype_key(body)
