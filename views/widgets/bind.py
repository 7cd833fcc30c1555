import inspect


def bind(fn, *args):
    """An event handler that calls ``fn(*args)`` and awaits it when it is async.

    ``lambda: fn(x)`` would hand Flet an un-awaited coroutine when ``fn`` is async.
    """

    async def handler(*_event):
        result = fn(*args)
        if inspect.isawaitable(result):
            await result

    return handler
