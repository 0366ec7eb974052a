"""Config text read as literals, never executed.

MMEngine saves the training config inside a checkpoint as Python text
(``meta['cfg']``); ``Config.fromstring`` would run it, so a crafted
checkpoint could run code. :func:`literal_config` reads only
``name = literal`` lines.
"""
import ast

from mmengine.config import Config


def _literal(node: ast.expr) -> object:
    """The value of a literal expression; ``dict(k=v, ...)`` counts."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
            and node.func.id == 'dict' and not node.args \
            and all(k.arg for k in node.keywords):
        return {k.arg: _literal(k.value) for k in node.keywords}
    if isinstance(node, (ast.List, ast.Tuple)):
        values = [_literal(e) for e in node.elts]
        return values if isinstance(node, ast.List) else tuple(values)
    if isinstance(node, ast.Dict) and None not in node.keys:
        return {_literal(k): _literal(v)
                for k, v in zip(node.keys, node.values, strict=True)}
    return ast.literal_eval(node)  # constants, sets, signed numbers


def literal_config(text: str, source: str) -> Config:
    """Read config text of ``name = literal`` lines without executing it.

    MMEngine saves the training config as such text (``meta['cfg']``);
    ``Config.fromstring`` would run it as Python, so a crafted checkpoint
    could run code. Here only literals are read.

    Args:
        text (str): The config text.
        source (str): Where it comes from, for the error message.

    Returns:
        Config: The config.

    Raises:
        ValueError: A line is not a plain ``name = literal`` assignment.
    """
    cfg = {}
    for statement in ast.parse(text).body:
        try:
            if not (isinstance(statement, ast.Assign)
                    and len(statement.targets) == 1
                    and isinstance(statement.targets[0], ast.Name)):
                raise ValueError('not a "name = value" line')
            cfg[statement.targets[0].id] = _literal(statement.value)
        except ValueError as err:
            raise ValueError(
                f'{source}: line {statement.lineno} is not a plain literal '
                f'({err}); config text from a checkpoint is never executed. '
                'Export the backbone with tools/export_backbone.py '
                'CHECKPOINT OUT --config TRAINING_CONFIG and load OUT.'
            ) from err
    return Config(cfg)
