// placeholder until the Trainer target lands
