// The small apps the websites tests and benchmarks serve (docs/websites.md),
// each answering `says` as text/plain at `/`.

/** FastAPI for `uvicorn --uds $DOMAIN_SOCKET main:app`, with a WebSocket echo at /ws. */
export const FASTAPI = (says: string) => `from fastapi import FastAPI, WebSocket, WebSocketDisconnect
from fastapi.responses import PlainTextResponse

app = FastAPI()

@app.get('/', response_class=PlainTextResponse)
async def index():
    return ${JSON.stringify(says)}

@app.websocket('/ws')
async def echo(websocket: WebSocket):
    await websocket.accept()
    try:
        while True:
            await websocket.send_text('echo: ' + await websocket.receive_text())
    except WebSocketDisconnect:
        pass
`;

/** A WSGI callable `app`, for `gunicorn --bind unix:$DOMAIN_SOCKET app:app`. */
export const WSGI = (says: string) => `def app(environ, start_response):
    start_response('200 OK', [('Content-Type', 'text/plain')])
    return [b${JSON.stringify(says)}]
`;

/** A bare ASGI `application`, for `daphne -u $DOMAIN_SOCKET proj.asgi:application`. */
export const ASGI = (says: string) => `async def application(scope, receive, send):
    if scope['type'] != 'http':
        return
    body = b${JSON.stringify(says)}
    await send({'type': 'http.response.start', 'status': 200,
                'headers': [(b'content-type', b'text/plain'), (b'content-length', str(len(body)).encode())]})
    await send({'type': 'http.response.body', 'body': body})
`;

/** A plain asyncio server speaking HTTP/1.1 by hand on $DOMAIN_SOCKET, one request per connection. */
export const ASYNCIO = (says: string) => `import asyncio, os

async def handle(reader, writer):
    while (await reader.readline()) not in (b'\\r\\n', b'\\n', b''):
        pass
    body = b${JSON.stringify(says)}
    writer.write(b'HTTP/1.1 200 OK\\r\\nContent-Type: text/plain\\r\\nConnection: close\\r\\nContent-Length: %d\\r\\n\\r\\n' % len(body) + body)
    await writer.drain()
    writer.close()

async def main():
    server = await asyncio.start_unix_server(handle, path=os.environ['DOMAIN_SOCKET'])
    print('listening on', os.environ['DOMAIN_SOCKET'], flush=True)
    async with server:
        await server.serve_forever()

asyncio.run(main())
`;
