/** Nest injection token of the `Acknowledgements` bundle (see `openAcknowledgements`). */
export const ACKNOWLEDGEMENTS = Symbol('ACKNOWLEDGEMENTS');
