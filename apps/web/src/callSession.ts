import type { Api } from './api.ts';
import type { Call, IceServer } from './types.ts';

/**
 * One side of a call's media: a WebRTC peer connection with this browser's microphone (and camera,
 * for a video call), and the signalling it needs through the API. Candidates travel both ways as
 * soon as they are known ("trickle ICE"): ours wait only for the call's id, the other side's for
 * the remote description they belong to.
 */
export interface CallSession {
  readonly local: MediaStream;
  readonly remote: MediaStream;
  readonly connection: RTCPeerConnection;
  /** The call's id is known (after startCall): queued candidates go out. */
  identify(callId: string): void;
  /** The other side's description: the offer (callee) or the answer (caller). */
  remoteDescription(type: 'offer' | 'answer', sdp: string): Promise<void>;
  /** A candidate the other side sent (JSON of RTCIceCandidateInit). */
  remoteCandidate(candidate: string): Promise<void>;
  setMuted(muted: boolean): void;
  close(): void;
}

export async function openCallSession(api: Api, video: boolean, onChange: () => void): Promise<CallSession> {
  const { iceServers } = await api.request<{ iceServers: IceServer[] }>('IceServers');
  const connection = new RTCPeerConnection({
    iceServers: iceServers.map(({ urls, username, credential }) => ({
      urls,
      ...(username ? { username } : {}),
      ...(credential ? { credential } : {}),
    })),
  });
  let local: MediaStream;
  try {
    local = await navigator.mediaDevices.getUserMedia({ audio: true, video });
  } catch (error) {
    connection.close();
    throw error;
  }
  for (const track of local.getTracks()) connection.addTrack(track, local);
  const remote = new MediaStream();
  connection.ontrack = (event) => {
    remote.addTrack(event.track);
    onChange();
  };
  connection.onconnectionstatechange = onChange;

  let callId: string | undefined;
  const outgoing: string[] = [];
  const incoming: RTCIceCandidateInit[] = [];
  const send = (candidate: string) =>
    // A candidate for a call that ended meanwhile is refused; nothing to do about it.
    api.request('SendIceCandidate', { callId, candidate }).catch(() => {});
  connection.onicecandidate = ({ candidate }) => {
    if (!candidate) return; // gathering is complete
    const json = JSON.stringify(candidate.toJSON());
    if (callId) void send(json);
    else outgoing.push(json);
  };

  return {
    local,
    remote,
    connection,
    identify(id) {
      callId = id;
      for (const candidate of outgoing.splice(0)) void send(candidate);
    },
    async remoteDescription(type, sdp) {
      await connection.setRemoteDescription({ type, sdp });
      for (const candidate of incoming.splice(0)) await connection.addIceCandidate(candidate);
    },
    async remoteCandidate(candidate) {
      const init = JSON.parse(candidate) as RTCIceCandidateInit;
      if (connection.remoteDescription) await connection.addIceCandidate(init);
      else incoming.push(init);
    },
    setMuted(muted) {
      for (const track of local.getAudioTracks()) track.enabled = !muted;
    },
    close() {
      connection.close();
      for (const track of local.getTracks()) track.stop();
    },
  };
}

/** Our description, set and returned as the SDP to send (an offer, or the answer to one). */
export async function ourDescription(session: CallSession, type: 'offer' | 'answer'): Promise<string> {
  const description =
    type === 'offer' ? await session.connection.createOffer() : await session.connection.createAnswer();
  await session.connection.setLocalDescription(description);
  return session.connection.localDescription!.sdp;
}

/** The other person on a call. */
export const otherParty = (call: Call, myId: string) => (call.caller.id === myId ? call.callee : call.caller);
