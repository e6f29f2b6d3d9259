declare module '@msimerson/stun' {
  interface StunMessage {
    type: number;
    addAttribute(type: number, value: number | string | Buffer): unknown;
    addUsername(username: string): unknown;
    addRealm(realm: string): unknown;
    addNonce(nonce: string): unknown;
    addMessageIntegrity(key: string | Buffer): boolean;
    addFingerprint(): boolean;
  }
  interface StunResponse {
    type: number;
    getError(): { code: number; reason: string } | undefined;
    getRealm(): string | undefined;
    getNonce(): string | undefined;
    getAttribute(type: number): { value: unknown } | undefined;
  }
  const stun: {
    createMessage(type: number): StunMessage;
    encode(message: StunMessage): Buffer;
    decode(buffer: Buffer): StunResponse;
    constants: Record<string, number>;
  };
  export default stun;
}
