/** The choices a deployment must make (`-c paymentGateway=… -c fromEmail=…`), as `npm run synth` passes them. */
export const deploymentContext = { paymentGateway: 'sandbox', fromEmail: 'orders@store.test' } as const;
