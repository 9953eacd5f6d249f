/** A supervised example: the loss is taken on the completion tokens only. */
export interface SftExample {
  prompt: string;
  completion: string;
}
