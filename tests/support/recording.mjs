// A calling app's recording, for the Node suites that play the app (tests/official-clients,
// tests/dashboard): a real two-channel WAV (the caller on channel 1, the recipient on channel 2)
// and an HTTP handler that answers HubSpot's GET of the recording URL with
// {"authenticatedUrl"} and serves the WAV honouring Range, as docs/recordings.md describes.

// `seconds` of 8 kHz 16-bit stereo PCM, each channel a quiet square wave of its own pitch.
export function twoChannelWav(seconds = 1) {
  const frames = 8000 * seconds;
  const data = Buffer.alloc(frames * 4);
  for (let i = 0; i < frames; i += 1) {
    data.writeInt16LE(Math.floor(i / 20) % 2 ? -2000 : 2000, i * 4);
    data.writeInt16LE(Math.floor(i / 13) % 2 ? -2000 : 2000, i * 4 + 2);
  }
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(2, 22);
  header.writeUInt32LE(8000, 24);
  header.writeUInt32LE(8000 * 4, 28);
  header.writeUInt16LE(4, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

// Answers `GET /recordings/{id}` with {"authenticatedUrl": "http://HOST/audio/{id}"} and
// `GET /audio/{id}` with `audio`, 206 and Content-Range for a `Range: bytes=N-` request. True
// when the request was one of these.
export function serveRecording(req, res, audio) {
  if (req.url.startsWith('/recordings/')) {
    const id = req.url.split('?')[0].split('/').pop();
    const body = JSON.stringify({ authenticatedUrl: `http://${req.headers.host}/audio/${id}` });
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
    return true;
  }
  if (!req.url.startsWith('/audio/')) return false;
  const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range || '');
  if (!range) {
    res.writeHead(200, { 'Content-Type': 'audio/wav', 'Content-Length': audio.length, 'Accept-Ranges': 'bytes' });
    res.end(audio);
    return true;
  }
  const start = Number(range[1] || 0);
  const end = Math.min(range[2] ? Number(range[2]) : audio.length - 1, audio.length - 1);
  const body = audio.subarray(start, end + 1);
  res.writeHead(206, {
    'Content-Type': 'audio/wav',
    'Content-Length': body.length,
    'Content-Range': `bytes ${start}-${end}/${audio.length}`,
    'Accept-Ranges': 'bytes',
  });
  res.end(body);
  return true;
}
