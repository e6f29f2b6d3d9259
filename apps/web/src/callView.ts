import type { Api, ApiError } from './api.ts';
import { ourDescription, openCallSession, otherParty, type CallSession } from './callSession.ts';
import { h } from './dom.ts';
import type { Call, CallEvent, User } from './types.ts';

export interface CallView {
  element: HTMLElement;
  /** Calls the other member of a direct chat. */
  start(chatId: string, video: boolean): void;
  close(): void;
}

interface Current {
  call: Call;
  /** Null until this side has its media: the caller at once, the callee once they accept. */
  session: CallSession | null;
  /** The callee's offer, until they accept or decline. */
  offer?: string;
  /** Candidates that came before this side had a session (the callee, still ringing). */
  early: string[];
  muted: boolean;
  /** Kept across renders, so playback never restarts. */
  remoteVideo: HTMLVideoElement;
  localVideo: HTMLVideoElement;
}

function videoElement(testId: string, muted: boolean): HTMLVideoElement {
  const element = h('video', { autoplay: true, playsinline: true, 'data-testid': testId });
  element.muted = muted;
  return element;
}

/** A call as this page holds it; `session` is set once this side has its media. */
function holding(call: Call, session: CallSession | null, offer?: string): Current {
  const current: Current = {
    call,
    session,
    early: [],
    muted: false,
    remoteVideo: videoElement('remote-video', false),
    // Our own picture, muted: nobody wants to hear themselves.
    localVideo: videoElement('local-video', true),
  };
  if (offer !== undefined) current.offer = offer;
  return current;
}

const REASONS: Record<NonNullable<Call['endReason']>, string> = {
  HANGUP: 'Call ended',
  DECLINED: 'Declined',
  CANCELLED: 'Cancelled',
  MISSED: 'No answer',
  BUSY: 'Busy on another call',
  FAILED: 'Call failed',
};

/**
 * Calls on the page: one at a time, started from a direct chat, or coming in as a banner to
 * accept or decline (CallEvents, one subscription for the page). While a call lasts its panel
 * shows both videos (or plays the voice), its state, mute and hang-up.
 */
export function callView(api: Api, me: User): CallView {
  const element = h('div', { class: 'call-area', 'data-testid': 'call-area' });
  let current: Current | null = null;
  let problem = '';

  const fail = (error: unknown) => {
    problem = (error as ApiError).message ?? String(error);
    render();
  };

  /** The call's new state; an ended call lets go of its media. */
  function update(call: Call) {
    if (!current || current.call.id !== call.id) return;
    current.call = call;
    if (call.state === 'ENDED') {
      current.session?.close();
      current.offer = undefined;
    }
    render();
  }

  async function start(chatId: string, video: boolean) {
    if (current && current.call.state !== 'ENDED') return;
    problem = '';
    const session = await openCallSession(api, video, render);
    try {
      const sdpOffer = await ourDescription(session, 'offer');
      const { startCall: call } = await api.request<{ startCall: Call }>('StartCall', {
        input: { chatId, video, sdpOffer },
      });
      current?.session?.close();
      current = holding(call, session);
      session.identify(call.id);
      update(call);
    } catch (error) {
      session.close();
      throw error;
    }
  }

  async function accept() {
    const ringing = current;
    if (!ringing || ringing.session || !ringing.offer) return;
    const session = await openCallSession(api, ringing.call.video, render);
    // Cancelled or missed while the camera and microphone were being opened.
    if (current !== ringing || ringing.call.state !== 'RINGING') return session.close();
    ringing.session = session;
    session.identify(ringing.call.id);
    await session.remoteDescription('offer', ringing.offer);
    for (const candidate of ringing.early.splice(0)) await session.remoteCandidate(candidate);
    const sdpAnswer = await ourDescription(session, 'answer');
    const { answerCall } = await api.request<{ answerCall: Call }>('AnswerCall', {
      callId: ringing.call.id,
      sdpAnswer,
    });
    update(answerCall);
  }

  async function end() {
    if (!current || current.call.state === 'ENDED') return;
    const { endCall } = await api.request<{ endCall: Call }>('EndCall', { callId: current.call.id });
    update(endCall);
  }

  async function onEvent({ kind, sdp, candidate, call }: CallEvent) {
    if (kind === 'INCOMING') {
      // The server rings nobody who is on a call; one that ended here is replaced.
      if (current && current.call.state !== 'ENDED') return;
      current?.session?.close();
      current = holding(call, null, sdp ?? '');
      problem = '';
      return render();
    }
    if (!current || current.call.id !== call.id) return;
    if (kind === 'ICE_CANDIDATE' && candidate) {
      if (current.session) await current.session.remoteCandidate(candidate);
      else current.early.push(candidate);
    } else if (kind === 'ANSWERED' && sdp && current.session) {
      await current.session.remoteDescription('answer', sdp);
      update(call);
    } else if (kind === 'ENDED') {
      update(call);
    }
  }

  const stop = api.subscribe<{ callEvents: CallEvent }>(
    'CallEvents',
    {},
    ({ callEvents }) => void onEvent(callEvents).catch(fail),
    fail,
  );

  const button = (testId: string, label: string, onclick: () => Promise<void> | void) =>
    h(
      'button',
      { type: 'button', 'data-testid': testId, onclick: () => void Promise.resolve(onclick()).catch(fail) },
      label,
    );

  function render() {
    if (!current) {
      element.replaceChildren(
        problem ? h('p', { class: 'error', role: 'alert', 'data-testid': 'call-error' }, problem) : '',
      );
      return;
    }
    const { call, session, remoteVideo, localVideo } = current;
    if (session && remoteVideo.srcObject !== session.remote) remoteVideo.srcObject = session.remote;
    if (session && localVideo.srcObject !== session.local) localVideo.srcObject = session.local;
    const other = otherParty(call, me.id);
    const kind = call.video ? 'video call' : 'voice call';
    if (call.state === 'RINGING' && !session) {
      element.replaceChildren(
        h(
          'div',
          {
            class: 'incoming-call',
            role: 'alertdialog',
            'data-testid': 'incoming-call',
            'data-call-id': call.id,
          },
          h('span', {}, `${other.displayName} is calling you (${kind})`),
          button('call-accept', 'Accept', accept),
          button('call-decline', 'Decline', end),
        ),
      );
      return;
    }
    const state =
      call.state === 'RINGING'
        ? 'Ringing…'
        : call.state === 'ACTIVE'
          ? 'In call'
          : REASONS[call.endReason ?? 'HANGUP'];
    element.replaceChildren(
      h(
        'section',
        {
          class: `call ${call.state.toLowerCase()}`,
          'data-testid': 'call-panel',
          'data-call-id': call.id,
          'data-state': call.state,
          'data-end-reason': call.endReason,
          'data-connection': session?.connection.connectionState ?? 'new',
        },
        h('strong', {}, `${call.video ? 'Video' : 'Voice'} call with ${other.displayName}`),
        h('span', { 'data-testid': 'call-state', 'data-state': call.state }, state),
        call.state !== 'ENDED' && h('div', { class: 'videos' }, remoteVideo, call.video && localVideo),
        call.state !== 'ENDED'
          ? h(
              'div',
              { class: 'actions' },
              h(
                'button',
                {
                  type: 'button',
                  'data-testid': 'call-mute',
                  'aria-pressed': String(current.muted),
                  onclick: () => {
                    if (!current?.session) return;
                    current.muted = !current.muted;
                    current.session.setMuted(current.muted);
                    render();
                  },
                },
                current.muted ? 'Unmute' : 'Mute',
              ),
              button('call-hangup', call.state === 'RINGING' ? 'Cancel' : 'Hang up', end),
            )
          : button('call-dismiss', 'Close', () => {
              current = null;
              render();
            }),
        problem && h('p', { class: 'error', role: 'alert', 'data-testid': 'call-error' }, problem),
      ),
    );
  }

  return {
    element,
    start: (chatId, video) => void start(chatId, video).catch(fail),
    close() {
      stop();
      current?.session?.close();
    },
  };
}
