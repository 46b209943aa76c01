/**
 * Sending a file's bytes with upload progress. Browsers report the progress
 * of a request body only through `XMLHttpRequest.upload` (Chromium streams a
 * `fetch` body only over HTTP/2), so the page uses XHR; Node (tests,
 * scripts) has no XHR, and there a `fetch` with a byte-counting stream body
 * reports it.
 */

/** One upload: a PUT (or any method) of a blob with headers. */
export interface UploadRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: Blob;
  /** Called with the bytes sent so far and the total, at least once at the end. */
  onProgress?: (sentBytes: number, totalBytes: number) => void;
  signal?: AbortSignal;
}

/** The answer of an upload, read whole. */
export interface UploadAnswer {
  status: number;
  statusText: string;
  contentType: string;
  /** The final URL, after redirects, when known. */
  url: string;
  text: string;
}

/** Sends an {@link UploadRequest}; rejects with an `AbortError` when aborted and a `TypeError` on network failure. */
export type UploadTransport = (request: UploadRequest) => Promise<UploadAnswer>;

function abortError(): Error {
  const error = new Error('The upload was aborted.');
  error.name = 'AbortError';
  return error;
}

/** The browser transport: `XMLHttpRequest` with `upload.onprogress`, cookies of the same origin. */
export const xhrUploadTransport: UploadTransport = (request) =>
  new Promise<UploadAnswer>((resolve, reject) => {
    const { signal } = request;
    if (signal?.aborted) {
      reject(abortError());
      return;
    }
    const xhr = new XMLHttpRequest();
    xhr.open(request.method, request.url);
    for (const [name, value] of Object.entries(request.headers)) {
      xhr.setRequestHeader(name, value);
    }
    const total = request.body.size;
    xhr.upload.onprogress = (event) => request.onProgress?.(event.loaded, total);
    xhr.upload.onload = () => request.onProgress?.(total, total);
    const onAbort = (): void => xhr.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    const done = (): void => signal?.removeEventListener('abort', onAbort);
    xhr.onload = () => {
      done();
      resolve({
        status: xhr.status,
        statusText: xhr.statusText,
        contentType: xhr.getResponseHeader('content-type') ?? '',
        url: xhr.responseURL,
        text: xhr.responseText,
      });
    };
    xhr.onerror = () => (done(), reject(new TypeError('The upload failed: the connection was lost.')));
    xhr.ontimeout = () => (done(), reject(new TypeError('The upload timed out.')));
    xhr.onabort = () => (done(), reject(abortError()));
    xhr.send(request.body);
  });

/**
 * A `fetch` transport for runtimes without XHR: the body is streamed
 * (`duplex: 'half'`) through a counter, so progress follows the bytes handed
 * to the connection.
 */
export function fetchUploadTransport(fetchImpl: typeof fetch): UploadTransport {
  return async (request) => {
    const total = request.body.size;
    let sent = 0;
    const reader = request.body.stream().getReader();
    const counted = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const { done, value } = await reader.read();
        if (done) {
          controller.close();
          return;
        }
        sent += value.byteLength;
        request.onProgress?.(sent, total);
        controller.enqueue(value);
      },
      cancel: (reason) => reader.cancel(reason),
    });
    const init: RequestInit & { duplex: 'half' } = {
      method: request.method,
      headers: request.headers,
      body: counted,
      duplex: 'half',
      credentials: 'same-origin',
    };
    if (request.signal) {
      init.signal = request.signal;
    }
    const response = await fetchImpl(request.url, init);
    const text = await response.text();
    if (sent === 0) {
      // An empty file has no chunks; the caller still learns it is done.
      request.onProgress?.(total, total);
    }
    return {
      status: response.status,
      statusText: response.statusText,
      contentType: response.headers.get('content-type') ?? '',
      url: response.url,
      text,
    };
  };
}
